package dev.vigil.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;

/** The parts of stat(2)/lstat(2) the scanner needs: what a path is, its size and the device it lives on. */
record FileStat(Type type, long size, long device) {

    enum Type { REGULAR, DIRECTORY, SYMLINK, OTHER }

    static final long UNKNOWN_DEVICE = -1;

    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFLNK = 0120000;
    private static final LinkOption[] NO_FOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final LinkOption[] FOLLOW = {};

    /** Like lstat(2): a symbolic link is reported as such. */
    static FileStat lstat(Path p) throws IOException {
        return read(p, NO_FOLLOW);
    }

    /** Like stat(2): symbolic links are followed. */
    static FileStat stat(Path p) throws IOException {
        return read(p, FOLLOW);
    }

    private static FileStat read(Path p, LinkOption[] options) throws IOException {
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:mode,size,dev", options);
            int mode = (Integer) a.get("mode");
            Type type = switch (mode & S_IFMT) {
                case S_IFREG -> Type.REGULAR;
                case S_IFDIR -> Type.DIRECTORY;
                case S_IFLNK -> Type.SYMLINK;
                default -> Type.OTHER;
            };
            return new FileStat(type, (Long) a.get("size"), (Long) a.get("dev"));
        } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, options);
            Type type = a.isSymbolicLink() ? Type.SYMLINK : a.isRegularFile() ? Type.REGULAR
                    : a.isDirectory() ? Type.DIRECTORY : Type.OTHER;
            return new FileStat(type, a.size(), UNKNOWN_DEVICE);
        }
    }
}
