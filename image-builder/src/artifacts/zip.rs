//! A streaming zip writer: deflated entries with data descriptors (general purpose bit 3), so
//! that nothing is seeked back to, and Zip64 records when sizes, offsets or the entry count
//! need them (PKWARE APPNOTE.TXT 6.3, sections 4.3 and 4.5.3). Expand-Archive and
//! `System.IO.Compression.ZipArchive` read it.

use flate2::Compression;
use flate2::Crc;
use flate2::write::DeflateEncoder;
use std::io::{self, Read, Write};

const LOCAL_HEADER: u32 = 0x0403_4b50;
const DATA_DESCRIPTOR: u32 = 0x0807_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const ZIP64_END: u32 = 0x0606_4b50;
const ZIP64_LOCATOR: u32 = 0x0706_4b50;
const END: u32 = 0x0605_4b50;
/// Sizes at or above this in a local header get a Zip64 extra field (deflate may grow data a
/// little, so the margin keeps the compressed size below 4 GiB otherwise).
const ZIP64_LOCAL_THRESHOLD: u64 = 0xFFFF_0000;
const U32_MAX: u64 = 0xFFFF_FFFF;
/// Bit 3 (sizes in the data descriptor) and bit 11 (UTF-8 names).
const FLAGS: u16 = (1 << 3) | (1 << 11);
const DEFLATE: u16 = 8;
const STORED: u16 = 0;
/// Made by UNIX (3), spec version 4.5.
const MADE_BY: u16 = (3 << 8) | 45;

struct Entry {
    name: String,
    method: u16,
    crc: u32,
    compressed: u64,
    size: u64,
    offset: u64,
    dos_time: (u16, u16),
    directory: bool,
}

/// Counts what goes through to the inner writer.
struct Counting<W> {
    inner: W,
    written: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(data)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Writes a zip archive to `W` as entries are added; [`ZipWriter::finish`] writes the central
/// directory.
pub(crate) struct ZipWriter<W: Write> {
    out: Counting<W>,
    entries: Vec<Entry>,
}

impl<W: Write> ZipWriter<W> {
    pub(crate) fn new(out: W) -> Self {
        Self {
            out: Counting { inner: out, written: 0 },
            entries: Vec::new(),
        }
    }

    /// Adds a directory entry `name` (ending in `/`).
    pub(crate) fn add_directory(&mut self, name: &str, dos_time: (u16, u16)) -> io::Result<()> {
        let name = format!("{}/", name.trim_end_matches('/'));
        let offset = self.out.written;
        self.local_header(&name, STORED, dos_time, false)?;
        self.descriptor(0, 0, 0, false)?;
        self.entries.push(Entry {
            name,
            method: STORED,
            crc: 0,
            compressed: 0,
            size: 0,
            offset,
            dos_time,
            directory: true,
        });
        Ok(())
    }

    /// Adds file `name`, deflating everything `data` yields; `expected_size` (from the file's
    /// metadata) decides the Zip64 local header, and a file that changed size while it was
    /// read is an error.
    pub(crate) fn add_file(
        &mut self,
        name: &str,
        mut data: impl Read,
        expected_size: u64,
        dos_time: (u16, u16),
    ) -> io::Result<()> {
        let zip64 = expected_size >= ZIP64_LOCAL_THRESHOLD;
        let offset = self.out.written;
        self.local_header(name, DEFLATE, dos_time, zip64)?;
        let start = self.out.written;
        let mut crc = Crc::new();
        let mut size = 0u64;
        let mut encoder = DeflateEncoder::new(&mut self.out, Compression::new(super::COMPRESSION_LEVEL));
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let n = data.read(&mut buffer)?;
            if n == 0 {
                break;
            }
            crc.update(&buffer[..n]);
            size += n as u64;
            encoder.write_all(&buffer[..n])?;
        }
        encoder.finish()?;
        if size != expected_size {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{name} changed while it was packed ({expected_size} bytes expected, {size} read)"),
            ));
        }
        let compressed = self.out.written - start;
        if !zip64 && compressed >= U32_MAX {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{name} deflated to 4 GiB or more without a Zip64 header"),
            ));
        }
        self.descriptor(crc.sum(), compressed, size, zip64)?;
        self.entries.push(Entry {
            name: name.to_owned(),
            method: DEFLATE,
            crc: crc.sum(),
            compressed,
            size,
            offset,
            dos_time,
            directory: false,
        });
        Ok(())
    }

    fn local_header(&mut self, name: &str, method: u16, (time, date): (u16, u16), zip64: bool) -> io::Result<()> {
        let mut header = Vec::with_capacity(30 + name.len() + 20);
        header.extend_from_slice(&LOCAL_HEADER.to_le_bytes());
        header.extend_from_slice(&(if zip64 { 45u16 } else { 20u16 }).to_le_bytes());
        header.extend_from_slice(&FLAGS.to_le_bytes());
        header.extend_from_slice(&method.to_le_bytes());
        header.extend_from_slice(&time.to_le_bytes());
        header.extend_from_slice(&date.to_le_bytes());
        // CRC and sizes follow in the data descriptor; with Zip64 the sizes say so.
        header.extend_from_slice(&0u32.to_le_bytes());
        let size_field: u32 = if zip64 { u32::MAX } else { 0 };
        header.extend_from_slice(&size_field.to_le_bytes());
        header.extend_from_slice(&size_field.to_le_bytes());
        header.extend_from_slice(&name_length(name)?.to_le_bytes());
        header.extend_from_slice(&(if zip64 { 20u16 } else { 0u16 }).to_le_bytes());
        header.extend_from_slice(name.as_bytes());
        if zip64 {
            header.extend_from_slice(&1u16.to_le_bytes());
            header.extend_from_slice(&16u16.to_le_bytes());
            header.extend_from_slice(&0u64.to_le_bytes());
            header.extend_from_slice(&0u64.to_le_bytes());
        }
        self.out.write_all(&header)
    }

    fn descriptor(&mut self, crc: u32, compressed: u64, size: u64, zip64: bool) -> io::Result<()> {
        let mut descriptor = Vec::with_capacity(24);
        descriptor.extend_from_slice(&DATA_DESCRIPTOR.to_le_bytes());
        descriptor.extend_from_slice(&crc.to_le_bytes());
        if zip64 {
            descriptor.extend_from_slice(&compressed.to_le_bytes());
            descriptor.extend_from_slice(&size.to_le_bytes());
        } else {
            descriptor.extend_from_slice(&(compressed as u32).to_le_bytes());
            descriptor.extend_from_slice(&(size as u32).to_le_bytes());
        }
        self.out.write_all(&descriptor)
    }

    /// Writes the central directory and the end records; returns the inner writer.
    pub(crate) fn finish(mut self) -> io::Result<W> {
        let directory_start = self.out.written;
        let entries = std::mem::take(&mut self.entries);
        for entry in &entries {
            self.central_header(entry)?;
        }
        let directory_size = self.out.written - directory_start;
        let count = entries.len() as u64;
        let end_start = self.out.written;
        let needs_zip64 = count >= 0xFFFF || directory_start >= U32_MAX || directory_size >= U32_MAX;
        let mut end = Vec::with_capacity(98);
        if needs_zip64 {
            end.extend_from_slice(&ZIP64_END.to_le_bytes());
            end.extend_from_slice(&44u64.to_le_bytes());
            end.extend_from_slice(&MADE_BY.to_le_bytes());
            end.extend_from_slice(&45u16.to_le_bytes());
            end.extend_from_slice(&0u32.to_le_bytes());
            end.extend_from_slice(&0u32.to_le_bytes());
            end.extend_from_slice(&count.to_le_bytes());
            end.extend_from_slice(&count.to_le_bytes());
            end.extend_from_slice(&directory_size.to_le_bytes());
            end.extend_from_slice(&directory_start.to_le_bytes());
            end.extend_from_slice(&ZIP64_LOCATOR.to_le_bytes());
            end.extend_from_slice(&0u32.to_le_bytes());
            end.extend_from_slice(&end_start.to_le_bytes());
            end.extend_from_slice(&1u32.to_le_bytes());
        }
        end.extend_from_slice(&END.to_le_bytes());
        end.extend_from_slice(&0u16.to_le_bytes());
        end.extend_from_slice(&0u16.to_le_bytes());
        let short_count = count.min(0xFFFF) as u16;
        end.extend_from_slice(&short_count.to_le_bytes());
        end.extend_from_slice(&short_count.to_le_bytes());
        end.extend_from_slice(&(directory_size.min(U32_MAX) as u32).to_le_bytes());
        end.extend_from_slice(&(directory_start.min(U32_MAX) as u32).to_le_bytes());
        end.extend_from_slice(&0u16.to_le_bytes());
        self.out.write_all(&end)?;
        self.out.flush()?;
        Ok(self.out.inner)
    }

    fn central_header(&mut self, entry: &Entry) -> io::Result<()> {
        let mut extra = Vec::new();
        let mut field = |value: u64| -> u32 {
            if value >= U32_MAX {
                extra.extend_from_slice(&value.to_le_bytes());
                u32::MAX
            } else {
                value as u32
            }
        };
        let size = field(entry.size);
        let compressed = field(entry.compressed);
        let offset = field(entry.offset);
        let mut zip64_extra = Vec::new();
        if !extra.is_empty() {
            zip64_extra.extend_from_slice(&1u16.to_le_bytes());
            zip64_extra.extend_from_slice(&(extra.len() as u16).to_le_bytes());
            zip64_extra.extend_from_slice(&extra);
        }
        let (time, date) = entry.dos_time;
        let mode: u32 = if entry.directory { 0o040_755 } else { 0o100_644 };
        let external = (mode << 16) | (u32::from(entry.directory) * 0x10);
        let mut header = Vec::with_capacity(46 + entry.name.len() + zip64_extra.len());
        header.extend_from_slice(&CENTRAL_HEADER.to_le_bytes());
        header.extend_from_slice(&MADE_BY.to_le_bytes());
        header.extend_from_slice(&(if zip64_extra.is_empty() { 20u16 } else { 45u16 }).to_le_bytes());
        header.extend_from_slice(&FLAGS.to_le_bytes());
        header.extend_from_slice(&entry.method.to_le_bytes());
        header.extend_from_slice(&time.to_le_bytes());
        header.extend_from_slice(&date.to_le_bytes());
        header.extend_from_slice(&entry.crc.to_le_bytes());
        header.extend_from_slice(&compressed.to_le_bytes());
        header.extend_from_slice(&size.to_le_bytes());
        header.extend_from_slice(&name_length(&entry.name)?.to_le_bytes());
        header.extend_from_slice(&(zip64_extra.len() as u16).to_le_bytes());
        header.extend_from_slice(&0u16.to_le_bytes());
        header.extend_from_slice(&0u16.to_le_bytes());
        header.extend_from_slice(&0u16.to_le_bytes());
        header.extend_from_slice(&external.to_le_bytes());
        header.extend_from_slice(&offset.to_le_bytes());
        header.extend_from_slice(entry.name.as_bytes());
        header.extend_from_slice(&zip64_extra);
        self.out.write_all(&header)
    }
}

fn name_length(name: &str) -> io::Result<u16> {
    u16::try_from(name.len()).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("path too long for a zip entry: {name}"),
        )
    })
}

/// The MS-DOS time and date of `time` (2-second resolution; 1980-01-01 for anything earlier).
pub(crate) fn dos_time(time: std::time::SystemTime) -> (u16, u16) {
    let time = time::OffsetDateTime::from(time);
    if time.year() < 1980 {
        return (0, (1 << 5) | 1);
    }
    let year = (time.year().min(2107) - 1980) as u16;
    let date = (year << 9) | (u16::from(u8::from(time.month())) << 5) | u16::from(time.day());
    let clock = (u16::from(time.hour()) << 11) | (u16::from(time.minute()) << 5) | u16::from(time.second() / 2);
    (clock, date)
}
