//! The in-records or out-records of a PIT entry: nearly always exactly one, so the first is kept
//! inline and a vector appears only for the second. Creating and erasing a PIT entry then
//! allocates nothing for its records.

use std::ops::{Deref, DerefMut};

/// A short list of records; reads go through the slice it dereferences to.
#[derive(Debug, Clone)]
pub struct Records<T>(Inner<T>);

#[derive(Debug, Clone)]
enum Inner<T> {
    Inline(Option<T>),
    Spilled(Vec<T>),
}

impl<T> Default for Records<T> {
    fn default() -> Self {
        Records(Inner::Inline(None))
    }
}

impl<T> Records<T> {
    /// Append a record.
    pub fn push(&mut self, record: T) {
        match &mut self.0 {
            Inner::Inline(slot) => match slot.take() {
                None => *slot = Some(record),
                Some(first) => self.0 = Inner::Spilled(vec![first, record]),
            },
            Inner::Spilled(v) => v.push(record),
        }
    }

    /// Keep only the records for which `keep` holds, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        match &mut self.0 {
            Inner::Inline(slot) => {
                if slot.as_ref().is_some_and(|r| !keep(r)) {
                    *slot = None;
                }
            }
            Inner::Spilled(v) => v.retain(keep),
        }
    }
}

impl<T> Deref for Records<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match &self.0 {
            Inner::Inline(slot) => slot.as_slice(),
            Inner::Spilled(v) => v,
        }
    }
}

impl<T> DerefMut for Records<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        match &mut self.0 {
            Inner::Inline(slot) => slot.as_mut_slice(),
            Inner::Spilled(v) => v,
        }
    }
}

impl<'a, T> IntoIterator for &'a Records<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, T> IntoIterator for &'a mut Records<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_like_a_vector() {
        let mut r = Records::default();
        assert!(r.is_empty());
        r.push(1);
        assert_eq!(&r[..], &[1]);
        r.retain(|&x| x != 1);
        assert!(r.is_empty());
        for x in [1, 2, 3, 4] {
            r.push(x);
        }
        assert_eq!(&r[..], &[1, 2, 3, 4]);
        r.retain(|&x| x % 2 == 0);
        assert_eq!(&r[..], &[2, 4]);
        for x in &mut r {
            *x += 1;
        }
        assert_eq!(r.iter().copied().collect::<Vec<_>>(), vec![3, 5]);
        r.retain(|_| false);
        r.push(9);
        assert_eq!(r.first(), Some(&9));
        let mut one = Records::default();
        one.push(7);
        one.retain(|&x| x == 7);
        assert_eq!(&one[..], &[7]);
    }
}
