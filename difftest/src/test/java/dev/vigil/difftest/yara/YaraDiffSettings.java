package dev.vigil.difftest.yara;

import java.nio.file.Path;

/**
 * How big a YARA differential run is. CI runs a sample (a few rule sets, a few dozen files, well under a minute for
 * yara); {@code -Dvigil.difftest.yara.full=true} runs every rule set over the whole corpus.
 */
record YaraDiffSettings(boolean full, Path cache) {

    static YaraDiffSettings fromSystemProperties() {
        boolean full = Boolean.getBoolean("vigil.difftest.yara.full");
        String cache = System.getProperty("vigil.difftest.yara.cache");
        return new YaraDiffSettings(full, cache != null ? Path.of(cache) : Path.of("target", "yara-corpus"));
    }

    /** Debian packages whose PE files (DLLs, EXEs, .NET assemblies, signed EFI binaries) join the corpus. */
    String[] debianPackages() {
        String[] sample = {"libz-mingw-w64", "win32-loader", "nsis-common", "libmono-corlib4.5-dll", "shim-signed",
                "grub-efi-amd64-signed"};
        if (!full) {
            return sample;
        }
        String[] more = {"libwine", "gcc-mingw-w64-x86-64-win32-runtime", "libmono-system4.0-cil"};
        String[] all = new String[sample.length + more.length];
        System.arraycopy(sample, 0, all, 0, sample.length);
        System.arraycopy(more, 0, all, sample.length, more.length);
        return all;
    }

    int systemFiles() {
        return full ? 200 : 10;
    }

    long systemBytes() {
        return full ? 256L << 20 : 6L << 20;
    }

    /** PE files taken from each package, at most. */
    int pePerPackage() {
        return full ? 400 : 4;
    }

    long maxFileSize() {
        return full ? 16L << 20 : 3L << 20;
    }

    /** 1 in this many files also gets its string matches compared (all in the CI sample). */
    int stringSampleEvery() {
        return full ? 8 : 1;
    }
}
