//! Strategy choice dataset record (MGMT StrategyChoice "Strategy Choice Dataset",
//! `/localhost/nfd/strategy-choice/list`).

use bytes::{BufMut, Bytes};

use super::Record;
use super::fields::{self as f, required};
use crate::name::Name;
use crate::tlv::{DecodeError, Element, types as tt};

/// StrategyChoice (TLV-TYPE 0x80): the strategy chosen for a namespace.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StrategyChoice {
    /// The namespace.
    pub name: Name,
    /// The strategy name, with its version component (carried as `Strategy { Name }`).
    pub strategy: Name,
}

impl Record for StrategyChoice {
    const TLV_TYPE: u64 = tt::STRATEGY_CHOICE;
    const NAME: &'static str = "StrategyChoice";

    fn decode_value(e: &Element<'_>, wire: &Bytes) -> Result<Self, DecodeError> {
        let (mut name, mut strategy) = (None, None);
        f::walk_ordered(
            e.reader(),
            Self::NAME,
            &[tt::NAME, tt::STRATEGY],
            &[],
            |el| {
                match el.tlv_type {
                    tt::NAME => name = Some(f::name(el, wire)?),
                    _ => strategy = Some(f::nested_name(el, wire, "Strategy")?),
                }
                Ok(())
            },
        )?;
        Ok(StrategyChoice {
            name: required(name, "Name", Self::NAME)?,
            strategy: required(strategy, "Strategy", Self::NAME)?,
        })
    }

    fn value_len(&self) -> usize {
        self.name.encoded_len() + f::nested_name_len(tt::STRATEGY, &self.strategy)
    }

    fn encode_value(&self, buf: &mut impl BufMut) {
        self.name.encode_to(buf);
        f::put_nested_name(buf, tt::STRATEGY, &self.strategy);
    }
}
