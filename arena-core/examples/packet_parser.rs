//! A packet parser over memory the caller owns: a `BorrowedArena` over a receive region (as
//! a driver's DMA buffer would be), one line per packet, the packet's fields collected with
//! `try_alloc_iter` although their count is not known until the packet has been read, and
//! the text fields gathered in a `LineVec`.
//!
//! ```text
//! cargo run -p arena-core --example packet_parser
//! ```
//!
//! Wire format: a 4-byte header (magic `0xA5`, version, payload length as u16 LE), then
//! type-length-value fields (tag, length, bytes) up to the payload's end. A malformed
//! packet is rejected with the reason, and the line is simply reused for the next one. The
//! example checks every parse against the expected fields and exits non-zero on any
//! difference.

use core::cell::Cell;
use core::mem::MaybeUninit;
use std::process::ExitCode;

use arena_core::{ArenaFull, BorrowedArena, InitError, Line};

/// The tag of a text field.
const TEXT: u8 = 1;

#[derive(Clone, Copy, Debug, PartialEq)]
struct Header {
    version: u8,
    len: u16,
}

/// One field, borrowing its bytes from the packet (not copied into the arena).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Field<'p> {
    tag: u8,
    value: &'p [u8],
}

#[derive(Debug, PartialEq)]
enum Reject {
    Header(&'static str),
    Field { offset: usize },
    Full(ArenaFull),
}

impl From<ArenaFull> for Reject {
    fn from(e: ArenaFull) -> Self {
        Reject::Full(e)
    }
}

fn read_header(bytes: &[u8]) -> Result<Header, &'static str> {
    match bytes {
        [0xA5, version, lo, hi, rest @ ..] => {
            let len = u16::from_le_bytes([*lo, *hi]);
            if usize::from(len) == rest.len() {
                Ok(Header {
                    version: *version,
                    len,
                })
            } else {
                Err("payload length disagrees with the packet size")
            }
        }
        [0xA5, ..] => Err("truncated header"),
        _ => Err("bad magic"),
    }
}

/// The fields of a payload; stops at the first malformed one and records where it was.
struct Fields<'p, 'e> {
    payload: &'p [u8],
    at: usize,
    error: &'e Cell<Option<usize>>,
}

impl<'p> Iterator for Fields<'p, '_> {
    type Item = Field<'p>;

    fn next(&mut self) -> Option<Field<'p>> {
        let rest = self.payload.get(self.at..)?;
        let [tag, len, body @ ..] = rest else {
            if !rest.is_empty() {
                self.error.set(Some(self.at));
            }
            return None;
        };
        let Some(value) = body.get(..usize::from(*len)) else {
            self.error.set(Some(self.at));
            return None;
        };
        self.at += 2 + value.len();
        Some(Field { tag: *tag, value })
    }
}

/// What a packet held: its header, all its fields, and its text fields.
struct Parsed<'l, 'p> {
    header: &'l Header,
    fields: &'l [Field<'p>],
    texts: &'l [&'p str],
}

fn parse<'l, 'a, 'p: 'a>(line: &'l Line<'a>, packet: &'p [u8]) -> Result<Parsed<'l, 'p>, Reject> {
    let header = match line.try_alloc_try_with(|| read_header(packet)) {
        Ok(h) => &*h,
        Err(InitError::Init(why)) => return Err(Reject::Header(why)),
        Err(InitError::Full(e)) => return Err(e.into()),
    };
    let error = Cell::new(None);
    let fields = line.try_alloc_iter(Fields {
        payload: &packet[4..],
        at: 0,
        error: &error,
    })?;
    if let Some(offset) = error.get() {
        return Err(Reject::Field { offset });
    }
    let mut texts = line.try_vec_with_capacity(fields.len())?;
    for field in fields.iter().filter(|f| f.tag == TEXT) {
        if let Ok(text) = core::str::from_utf8(field.value) {
            // The capacity is the number of fields: a push cannot fail.
            let _ = texts.try_push(text);
        }
    }
    Ok(Parsed {
        header,
        fields,
        texts: texts.into_slice(),
    })
}

/// What a packet should parse to: its version, field count and text fields, or why not.
type Expected = Result<(u8, usize, &'static [&'static str]), Reject>;

/// A packet from fields.
fn packet(version: u8, fields: &[(u8, &[u8])]) -> Vec<u8> {
    let payload: Vec<u8> = fields
        .iter()
        .flat_map(|(tag, value)| {
            [*tag, value.len() as u8]
                .into_iter()
                .chain(value.iter().copied())
        })
        .collect();
    let mut p = vec![0xA5, version];
    p.extend((payload.len() as u16).to_le_bytes());
    p.extend(payload);
    p
}

fn main() -> ExitCode {
    let packets = [
        packet(1, &[(TEXT, b"sensor-7"), (2, &[0, 1, 2, 3]), (TEXT, b"ok")]),
        packet(2, &[]),
        vec![0x5A, 1, 0, 0],
        vec![0xA5, 1, 3, 0, TEXT, 9, b'x'],
        packet(3, &[(3, &[7u8; 40][..]); 5]),
        vec![0xA5],
    ];
    let expected: [Expected; 6] = [
        Ok((1, 3, &["sensor-7", "ok"])),
        Ok((2, 0, &[])),
        Err(Reject::Header("bad magic")),
        Err(Reject::Field { offset: 0 }),
        Ok((3, 5, &[])),
        Err(Reject::Header("truncated header")),
    ];

    // The receive region: memory the driver owns and lends to the parser.
    let mut region = [MaybeUninit::<u8>::uninit(); 1024];
    let mut arena = BorrowedArena::new(&mut region);
    for (n, (bytes, want)) in packets.iter().zip(expected).enumerate() {
        let line = arena.line();
        let got = parse(&line, bytes).map(|p| {
            assert_eq!(usize::from(p.header.len), bytes.len() - 4);
            assert!(p.fields.iter().all(|f| f.value.len() <= 40));
            (p.header.version, p.fields.len(), p.texts.to_vec())
        });
        let same = match (&got, &want) {
            (Ok((v, n, t)), Ok((wv, wn, wt))) => (v, n, &t[..]) == (wv, wn, wt),
            (Err(e), Err(w)) => e == w,
            _ => false,
        };
        println!("packet {n}: {got:?}");
        if !same {
            eprintln!("packet {n}: parsed {got:?}, expected {want:?}");
            return ExitCode::FAILURE;
        }
        if got.is_err() && line.used() > 16 {
            eprintln!("packet {n}: a rejected header keeps {} bytes", line.used());
            return ExitCode::FAILURE;
        }
    }
    let stats = arena.stats();
    println!(
        "{} packets, peak {} bytes on packet {:?}",
        stats.lines, stats.peak_bytes, stats.peak_line
    );
    // Packet 4: the header (16), five fields of 24 bytes (128) and room for five texts
    // (80: `into_slice` gives it back, none were texts, but the peak counts it).
    if stats.lines != 6 || stats.peak_line != Some(4) || stats.peak_bytes != 16 + 128 + 80 {
        eprintln!("unexpected statistics: {stats:?}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
