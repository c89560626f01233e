//! How an SMS text travels: in the GSM 7-bit default alphabet when every
//! character is in it (its extension table's characters take two septets),
//! otherwise in UCS-2 (two bytes per UTF-16 unit); and in how many segments
//! (160 septets or 70 units in one message, 153 or 67 per part of a longer
//! one, the rest is the concatenation header).

/// The GSM 03.38 default alphabet: one septet each.
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u{1b}ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/// The extension table: an escape and a septet each.
const GSM7_EXTENSION: &str = "\u{c}^{}\\[~]|€";

/// The encoding an SMS text needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Encoding {
    /// The GSM 7-bit default alphabet (and its extension table).
    Gsm7,
    /// UCS-2: any other character.
    Ucs2,
}

/// What a text takes as an SMS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Segments {
    /// The encoding it needs.
    pub encoding: Encoding,
    /// The messages it is sent in (1 for an empty text).
    pub count: usize,
    /// Its length in that encoding's units: septets (GSM-7) or UTF-16 units (UCS-2).
    pub units: usize,
    /// Its length in bytes of that encoding, one per septet (unpacked) or
    /// two per UTF-16 unit.
    pub bytes: usize,
}

/// The encoding, length and segment count of `text` as an SMS.
pub fn segments(text: &str) -> Segments {
    let mut septets = 0_usize;
    let mut gsm = true;
    for c in text.chars() {
        if GSM7_BASIC.contains(c) {
            septets += 1;
        } else if GSM7_EXTENSION.contains(c) {
            septets += 2;
        } else {
            gsm = false;
            break;
        }
    }
    let (encoding, units, single, part, bytes) = if gsm {
        (Encoding::Gsm7, septets, 160, 153, septets)
    } else {
        let units = text.encode_utf16().count();
        (Encoding::Ucs2, units, 70, 67, units * 2)
    };
    let count = if units <= single {
        1
    } else {
        units.div_ceil(part)
    };
    Segments {
        encoding,
        count,
        units,
        bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gsm7_and_its_extension() {
        let plain = segments(&"a".repeat(160));
        assert_eq!(
            (plain.encoding, plain.count, plain.bytes),
            (Encoding::Gsm7, 1, 160)
        );
        assert_eq!(segments(&"a".repeat(161)).count, 2);
        assert_eq!(segments(&"a".repeat(306)).count, 2);
        assert_eq!(segments(&"a".repeat(307)).count, 3);
        let euro = segments("€");
        assert_eq!(
            (euro.encoding, euro.units, euro.bytes),
            (Encoding::Gsm7, 2, 2)
        );
        assert_eq!(segments("").count, 1);
    }

    #[test]
    fn anything_else_is_ucs2() {
        let text = segments(&"ж".repeat(70));
        assert_eq!(
            (text.encoding, text.count, text.bytes),
            (Encoding::Ucs2, 1, 140)
        );
        assert_eq!(segments(&"ж".repeat(71)).count, 2);
        assert_eq!(segments(&"ж".repeat(135)).count, 3);
        // One emoji is two UTF-16 units.
        assert_eq!(segments("😀").units, 2);
    }
}
