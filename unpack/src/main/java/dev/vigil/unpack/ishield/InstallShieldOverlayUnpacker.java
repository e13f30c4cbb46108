package dev.vigil.unpack.ishield;

import dev.vigil.engine.exe.Section;
import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.EntryMetadata;
import dev.vigil.unpack.Unpacker;
import dev.vigil.unpack.pe.Le;
import dev.vigil.unpack.pe.PeImage;
import dev.vigil.unpack.pe.ScanInputStream;
import dev.vigil.unpack.pe.SliceInput;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Files appended to an InstallShield (non-MSI) setup executable, as ClamAV's {@code cli_scanishield} reads the PE
 * overlay: a run of records {@code name\0 path\0 version\0 decimal-size\0} followed by that many stored bytes. Each
 * file is scanned as it is met, except {@code data1.hdr} and {@code dataN.cab} (InstallShield's own cabinet format):
 * after the walk, which stops at the first record that does not parse, the files these list are extracted
 * ({@link InstallShieldCabinet}); where that is incomplete, the header and volumes are scanned as they stand.
 */
public final class InstallShieldOverlayUnpacker implements Unpacker {
    /** ClamAV reads each string of a record with a 2048-byte window. */
    private static final int MAX_STRING = 2048;

    private record Stored(String name, long offset, long size) {
    }

    @Override
    public String name() {
        return "ishield";
    }

    @Override
    public boolean accepts(FileType type, ScanInput input) {
        return FileType.MSEXE.equals(type);
    }

    @Override
    public void unpack(ScanInput input, ChildSink sink) throws IOException {
        long start = overlayStart(input);
        if (start <= 0 || start >= input.size()) {
            return;
        }
        long remaining = input.size() - start;
        long at = start;
        int index = 0;
        int[] delivered = {0};
        Stored header = null;
        List<Stored> volumes = new ArrayList<>();
        List<Integer> numbers = new ArrayList<>();
        walk:
        while (true) {
            long recordStart = at;
            String[] fields = new String[4];
            for (int i = 0; i < 4; i++) {
                byte[] s = input.readFully(at, MAX_STRING);
                int end = Le.indexOf(s, new byte[] {0}, 0, s.length);
                if (end < 0) {
                    break walk;
                }
                fields[i] = new String(s, 0, end, StandardCharsets.ISO_8859_1);
                at += end + 1;
            }
            long size = decimal(fields[3]);
            long recordLength = at - recordStart;
            if (size < 0 || size >= remaining || recordLength >= remaining - size) {
                break;
            }
            if (!sink.metadata(new EntryMetadata(fields[0], size, size, false, index++))) {
                return;
            }
            remaining -= recordLength + size;
            Stored file = new Stored(fields[0], at, size);
            at += size;
            String lower = fields[0].toLowerCase(Locale.ROOT);
            if (lower.equals("data1.hdr") && header == null) {
                header = file;
                continue;
            }
            int number = volumeNumber(lower);
            // ClamAV's duplicate test compares a volume's number with its place in the list
            boolean duplicate = false;
            for (int i = 0; i < numbers.size(); i++) {
                duplicate |= numbers.get(i) == i;
            }
            if (number > 0 && !duplicate) {
                volumes.add(file);
                numbers.add(number);
                continue;
            }
            if (!deliver(input, file, sink, delivered)) {
                return;
            }
        }
        if (header == null && volumes.isEmpty()) {
            return;
        }
        List<InstallShieldCabinet.Volume> list = new ArrayList<>();
        for (int i = 0; i < volumes.size(); i++) {
            list.add(new InstallShieldCabinet.Volume(numbers.get(i), volumes.get(i).offset(), volumes.get(i).size()));
        }
        InstallShieldCabinet.Outcome outcome = header == null ? InstallShieldCabinet.Outcome.INCOMPLETE
                : InstallShieldCabinet.extract(input, header.offset(), header.size(), list, sink, delivered);
        if (outcome != InstallShieldCabinet.Outcome.INCOMPLETE) {
            return;
        }
        if (header != null && !deliver(input, header, sink, delivered)) {
            return;
        }
        for (Stored volume : volumes) {
            if (!deliver(input, volume, sink, delivered)) {
                return;
            }
        }
    }

    private static boolean deliver(ScanInput input, Stored file, ChildSink sink, int[] delivered) throws IOException {
        if (file.size() == 0) {
            return true;
        }
        int maxFiles = sink.limits().maxFiles();
        if (maxFiles > 0 && ++delivered[0] > maxFiles) {
            sink.limitExceeded("MaxFiles", "InstallShield files past " + maxFiles + " not scanned");
            return false;
        }
        return sink.child(new Child(file.name(), "CL_TYPE_MSEXE", file.size()),
                new ScanInputStream(new SliceInput(input, file.offset(), file.size())));
    }

    /** N of {@code dataN.cab} (1 to 65535), as ClamAV recognises InstallShield cabinet volumes; else 0. */
    private static int volumeNumber(String lower) {
        if (!lower.startsWith("data") || !lower.endsWith(".cab") || lower.length() <= 8) {
            return 0;
        }
        long n = decimal(lower.substring(4, lower.length() - 4));
        return n > 0 && n < 65536 ? (int) n : 0;
    }

    /** A whole string as a decimal number (leading blanks and a sign allowed, as strtol reads it), or -1. */
    static long decimal(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        if (i == s.length()) {
            return -1;
        }
        long v = 0;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9' || v > (Long.MAX_VALUE - 9) / 10) {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return negative && v != 0 ? -1 : v;
    }

    /**
     * Where ClamAV's PE parser puts the overlay: the raw end of the section that reaches highest in memory, counting
     * only sections after the first (so a one-section PE has none); PE32+ files are not examined.
     */
    private static long overlayStart(ScanInput input) throws IOException {
        PeImage pe = PeImage.read(input);
        if (pe == null || isPe32Plus(input)) {
            return -1;
        }
        List<Section> sections = pe.sections();
        if (sections.isEmpty()) {
            return -1;
        }
        long max = sections.getFirst().virtualAddress() + sections.getFirst().rawSize();
        long overlay = 0;
        for (int i = 1; i < sections.size(); i++) {
            Section s = sections.get(i);
            if (s.virtualAddress() + s.rawSize() > max) {
                max = s.virtualAddress() + s.rawSize();
                overlay = s.rawOffset() + s.rawSize();
            }
        }
        return overlay;
    }

    private static boolean isPe32Plus(ScanInput input) throws IOException {
        long lfanew = Le.u32(input.readFully(0x3c, 4), 0);
        byte[] magic = input.readFully(lfanew + 24, 2);
        return magic.length == 2 && Le.u16(magic, 0) == 0x20b;
    }
}
