//! The async driver of the sans-IO [`Publisher`], and a file-backed [`SegmentSource`].

use std::path::Path;

use super::error::ControlError;
use super::face::Face;
use crate::publish::{PublishError, Publisher, Reply, SegmentSource};
use crate::sign::Signer;

/// How [`serve`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ServeOptions {
    /// Only listen: do not send `rib/register` (the route exists already).
    pub no_register: bool,
    /// Return once every segment has been served at least once (`ndnput --once`).
    pub once: bool,
}

/// Why [`serve`] stopped with an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// Registering the prefix failed.
    #[error(transparent)]
    Register(#[from] ControlError),
    /// Producing a segment failed.
    #[error(transparent)]
    Publish(#[from] PublishError),
}

/// How [`serve`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServeEnd {
    /// Every segment was served (with [`ServeOptions::once`]).
    AllServed,
    /// The connection to the forwarder closed.
    Closed,
}

fn unix_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// Register the publisher's prefix on `face` and answer Interests until the connection closes
/// (or, with [`ServeOptions::once`], until every segment was served).
pub async fn serve<S: SegmentSource>(
    face: &Face,
    publisher: &mut Publisher<S>,
    signer: &(dyn Signer + Send + Sync),
    opts: ServeOptions,
) -> Result<ServeEnd, ServeError> {
    let prefix = publisher.prefix().clone();
    let mut reg = if opts.no_register {
        face.listen(prefix)
    } else {
        face.register(prefix).await?
    };
    while let Some((interest, responder)) = reg.recv().await {
        let sent = match publisher.handle_interest(&interest, signer, unix_ms())? {
            Reply::Data(wire) => responder.respond(wire),
            Reply::Nack(reason) => responder.nack(reason),
            Reply::Ignore => Ok(()),
        };
        if sent.is_err() {
            return Ok(ServeEnd::Closed);
        }
        if opts.once && publisher.all_served() {
            return Ok(ServeEnd::AllServed);
        }
    }
    Ok(ServeEnd::Closed)
}

/// A file served by reading it at offsets, so it need not fit in memory. Reads are small
/// (one segment) and blocking.
#[derive(Debug)]
pub struct FileSource {
    file: std::fs::File,
    len: u64,
}

impl FileSource {
    /// Open `path` for reading.
    pub fn open(path: impl AsRef<Path>) -> std::io::Result<FileSource> {
        let file = std::fs::File::open(path)?;
        let len = file.metadata()?.len();
        Ok(FileSource { file, len })
    }
}

impl SegmentSource for FileSource {
    fn len(&self) -> u64 {
        self.len
    }

    #[cfg(unix)]
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        std::os::unix::fs::FileExt::read_at(&self.file, buf, offset)
    }

    #[cfg(windows)]
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        std::os::windows::fs::FileExt::seek_read(&self.file, buf, offset)
    }
}
