package dev.vigil.unpack.archive;

import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.EntryMetadata;
import dev.vigil.unpack.Inputs;
import dev.vigil.unpack.Unpacker;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.deflate64.Deflate64CompressorInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Zip (and zip64, and zips behind a self-extractor stub). The central directory is read by
 * {@link ZipDirectory}, never trusting its counts; entries are decompressed from their local data with the JDK's
 * inflater or Commons Compress (deflate64, bzip2, and, through its streaming reader, implode, shrink and the
 * rarer methods). Without a central directory the local headers are walked instead.
 *
 * <p>Like ClamAV, it refuses archives whose entries overlap (the non-recursive "zip bomb" in which every entry
 * reuses the same compressed data): after more than {@value #MAX_OVERLAPS} overlapping entries it raises
 * {@code Heuristics.Zip.OverlappingFiles} and extracts nothing. Encrypted entries are reported, not cracked.
 */
public final class ZipUnpacker implements Unpacker {
    static final int MAX_OVERLAPS = 5;
    /** ClamAV tolerates this many bytes of overlap between neighbouring records. */
    private static final int OVERLAP_FUDGE = 2;
    private static final String TYPE = "CL_TYPE_ZIP";

    @Override
    public String name() {
        return "zip";
    }

    @Override
    public boolean accepts(FileType type, ScanInput input) {
        return TYPE.equals(type.name());
    }

    @Override
    public void unpack(ScanInput input, ChildSink sink) throws IOException {
        int maxRecords = sink.limits().maxFiles() > 0 ? sink.limits().maxFiles() : 1_000_000;
        ZipDirectory.Listing listing = ZipDirectory.read(input, maxRecords);
        if (listing == null || listing.entries().isEmpty()) {
            walkLocalHeaders(input, sink);
            return;
        }
        // ClamAV tests container metadata while it indexes the central directory, in directory order.
        int position = 0;
        for (ZipDirectory.Entry e : listing.entries()) {
            if (!sink.metadata(new EntryMetadata(e.name(), e.compressedSize(), e.size(), e.encrypted(), ++position))) {
                return;
            }
        }
        if (listing.truncated()) {
            sink.limitExceeded("MaxFiles", "central directory lists " + maxRecords + " entries or more");
        }
        List<ZipDirectory.Entry> entries = new ArrayList<>(listing.entries());
        entries.sort(Comparator.comparingLong(ZipDirectory.Entry::localOffset));
        List<ZipDirectory.Entry> distinct = withoutDuplicates(entries);
        if (distinct == null) {
            sink.alert("Heuristics.Zip.OverlappingFiles");
            sink.error("more than " + MAX_OVERLAPS + " overlapping entries");
            return;
        }
        for (ZipDirectory.Entry e : distinct) {
            if (e.directory()) {
                continue;
            }
            if (e.encrypted()) {
                sink.encrypted(e.name());
                continue;
            }
            if (e.localHeaderSize() < 0) {
                sink.error(e.name() + ": no local header at " + e.localOffset());
                continue;
            }
            if (!extract(input, e, sink)) {
                return;
            }
        }
    }

    /** Entries sorted by offset with exact duplicates removed; null when too many overlap (ClamAV's rule). */
    private static List<ZipDirectory.Entry> withoutDuplicates(List<ZipDirectory.Entry> sorted) {
        List<ZipDirectory.Entry> out = new ArrayList<>(sorted.size());
        int overlaps = 0;
        ZipDirectory.Entry prev = null;
        for (ZipDirectory.Entry cur : sorted) {
            if (prev != null && overlap(prev, cur)) {
                overlaps++;
                boolean duplicate = prev.localOffset() == cur.localOffset()
                        && prev.localHeaderSize() == cur.localHeaderSize()
                        && prev.compressedSize() == cur.compressedSize();
                if (!duplicate && overlaps > MAX_OVERLAPS) {
                    return null;
                }
                if (duplicate) {
                    continue;
                }
            }
            out.add(cur);
            prev = cur;
        }
        return out;
    }

    private static boolean overlap(ZipDirectory.Entry prev, ZipDirectory.Entry cur) {
        long prevEnd = prev.localOffset() + Math.max(0, prev.localHeaderSize()) + prev.compressedSize();
        return cur.localOffset() + OVERLAP_FUDGE < prevEnd;
    }

    private static boolean extract(ScanInput input, ZipDirectory.Entry e, ChildSink sink) throws IOException {
        InputStream raw = Inputs.stream(input, e.dataOffset(), e.compressedSize());
        Child child = new Child(e.name(), TYPE, e.size());
        switch (e.method()) {
            case 0 -> {
                return sink.child(child, raw);
            }
            case 8 -> {
                Inflater inflater = new Inflater(true);
                try (InputStream in = new InflaterInputStream(raw, inflater, 1 << 16)) {
                    return sink.child(child, Inputs.untilError(in, sink, e.name()));
                } finally {
                    inflater.end();
                }
            }
            case 9 -> {
                try (InputStream in = new Deflate64CompressorInputStream(raw)) {
                    return sink.child(child, Inputs.untilError(in, sink, e.name()));
                }
            }
            case 12 -> {
                InputStream in;
                try {
                    in = new BZip2CompressorInputStream(raw);
                } catch (IOException | RuntimeException ex) {
                    sink.error(e.name() + ": bad bzip2 header");
                    return true;
                }
                try (in) {
                    return sink.child(child, Inputs.untilError(in, sink, e.name()));
                }
            }
            default -> {
                return extractThroughLocalHeader(input, e, sink, child);
            }
        }
    }

    /** For the methods only Commons Compress's streaming reader decodes (implode, shrink, ...). */
    private static boolean extractThroughLocalHeader(ScanInput input, ZipDirectory.Entry e, ChildSink sink,
                                                     Child child) throws IOException {
        try (ZipArchiveInputStream zin = new ZipArchiveInputStream(
                Inputs.stream(input, e.localOffset(), input.size() - e.localOffset()), "UTF8", true, true)) {
            ZipArchiveEntry z = zin.getNextEntry();
            if (z == null || !zin.canReadEntryData(z)) {
                sink.error(e.name() + ": unsupported compression method " + e.method());
                return true;
            }
            return sink.child(child, Inputs.untilError(zin, sink, e.name()));
        } catch (IOException | RuntimeException ex) {
            sink.error(e.name() + ": " + ex.getMessage());
            return true;
        }
    }

    /** No central directory: walk the local headers, as ClamAV does for truncated archives. */
    private static void walkLocalHeaders(ScanInput input, ChildSink sink) throws IOException {
        try (ZipArchiveInputStream zin = new ZipArchiveInputStream(Inputs.stream(input), "UTF8", true, true)) {
            ZipArchiveEntry z;
            int position = 0;
            while ((z = zin.getNextEntry()) != null) {
                if (!sink.metadata(new EntryMetadata(z.getName(), Math.max(0, z.getCompressedSize()),
                        Math.max(0, z.getSize()), z.getGeneralPurposeBit().usesEncryption(), ++position))) {
                    return;
                }
                if (z.isDirectory()) {
                    continue;
                }
                if (z.getGeneralPurposeBit().usesEncryption()) {
                    sink.encrypted(z.getName());
                    continue;
                }
                if (!zin.canReadEntryData(z)) {
                    sink.error(z.getName() + ": unsupported compression method " + z.getMethod());
                    continue;
                }
                if (!sink.child(new Child(z.getName(), TYPE, z.getSize()), Inputs.untilError(zin, sink,
                        z.getName()))) {
                    return;
                }
            }
        }
    }
}
