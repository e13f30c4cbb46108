package dev.vigil.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Visits the command-line arguments and directories in clamscan's order (arguments as given, directory entries in
 * readdir order, depth first) and with its rules: symbolic links met inside directories are reported and not
 * followed, links named on the command line are followed, special files inside directories are skipped silently,
 * subdirectories are entered only with -r and at most {@code maxDirRecursion} levels deep.
 */
final class Walker {

    /** How symbolic links are treated, with clamscan's values for --follow-dir-symlinks / --follow-file-symlinks. */
    record LinkPolicy(int directories, int files) {
        static final int NEVER = 0;
        static final int COMMAND_LINE = 1;
        static final int ALWAYS = 2;
    }

    private final Path cwd;
    private final boolean recursive;
    private final int maxDirRecursion;
    private final LinkPolicy links;
    private final boolean crossFilesystems;
    private final FileScanner scanner;
    private final OrderedOutput output;
    private final ScanStats stats;
    private final InputStream stdin;

    Walker(Path cwd, boolean recursive, int maxDirRecursion, LinkPolicy links, boolean crossFilesystems,
           FileScanner scanner, OrderedOutput output, ScanStats stats, InputStream stdin) {
        this.cwd = cwd;
        this.recursive = recursive;
        this.maxDirRecursion = maxDirRecursion;
        this.links = links;
        this.crossFilesystems = crossFilesystems;
        this.scanner = scanner;
        this.output = output;
        this.stats = stats;
        this.stdin = stdin;
    }

    /** One command-line argument: "-" (stdin), a file, a directory or a link to one. */
    void argument(String arg) {
        if (arg.equals("-")) {
            output.submit(() -> scanner.scanStdin(stdin));
            return;
        }
        Path path = cwd.resolve(arg);
        String display = stripTrailingSeparators(arg);
        FileStat st;
        try {
            // "link/" names the directory the link points to, as lstat(2) resolves a trailing slash.
            st = display.length() < arg.length() ? FileStat.stat(path) : FileStat.lstat(path);
        } catch (IOException e) {
            output.emit(new Event.Unreachable(arg, Errors.strerror(e)));
            return;
        }
        switch (st.type()) {
            case SYMLINK -> commandLineLink(display, path);
            case REGULAR -> file(display, path);
            case DIRECTORY -> directory(display, path, 1, st.device());
            case OTHER -> output.emit(new Event.Unsupported(display));
        }
    }

    /** No argument at all: clamscan scans the current directory by its absolute name. */
    void currentDirectory() {
        try {
            directory(cwd.toString(), cwd, 1, FileStat.stat(cwd).device());
        } catch (IOException e) {
            output.emit(new Event.Unreachable(cwd.toString(), Errors.strerror(e)));
        }
    }

    private void commandLineLink(String display, Path path) {
        if (links.directories() == LinkPolicy.NEVER && links.files() == LinkPolicy.NEVER) {
            output.emit(Event.Notice.symbolicLink(display));
            return;
        }
        FileStat target;
        try {
            target = FileStat.stat(path);
        } catch (IOException dangling) {
            return; // clamscan says nothing about a dangling link on the command line
        }
        if (target.type() == FileStat.Type.REGULAR && links.files() != LinkPolicy.NEVER) {
            file(display, path);
        } else if (target.type() == FileStat.Type.DIRECTORY && links.directories() != LinkPolicy.NEVER) {
            directory(display, path, 1, target.device());
        } else {
            output.emit(Event.Notice.symbolicLink(display));
        }
    }

    private void file(String display, Path path) {
        output.submit(() -> scanner.scanFile(display, path));
    }

    private void directory(String display, Path dir, int depth, long device) {
        if (depth > maxDirRecursion) {
            return;
        }
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                entries.add(p.getFileName());
            }
        } catch (IOException e) {
            output.emit(Event.Notice.cannotOpenDirectory(display));
            return;
        } catch (DirectoryIteratorException vanishing) {
            // The directory changed or went away while being read: scan what was listed, as readdir(3) would.
        }
        stats.directories++;
        int childDepth = depth + 1;
        for (Path name : entries) {
            String childDisplay = display.equals("/") ? "/" + name : display + "/" + name;
            Path child = dir.resolve(name);
            FileStat st;
            try {
                st = FileStat.lstat(child);
            } catch (IOException vanished) {
                continue;
            }
            if (!crossFilesystems && st.device() != device) {
                output.emit(Event.Notice.excluded(childDisplay));
                continue;
            }
            switch (st.type()) {
                case SYMLINK -> nestedLink(childDisplay, child, childDepth, device);
                case REGULAR -> file(childDisplay, child);
                case DIRECTORY -> {
                    if (recursive) {
                        directory(childDisplay, child, childDepth, device);
                    }
                }
                case OTHER -> {
                    // fifos, sockets and devices inside directories are skipped without a word, as by clamscan
                }
            }
        }
    }

    private void nestedLink(String display, Path path, int depth, long device) {
        if (links.directories() != LinkPolicy.ALWAYS && links.files() != LinkPolicy.ALWAYS) {
            output.emit(Event.Notice.symbolicLink(display));
            return;
        }
        FileStat target;
        try {
            target = FileStat.stat(path);
        } catch (IOException dangling) {
            return;
        }
        if (target.type() == FileStat.Type.REGULAR && links.files() == LinkPolicy.ALWAYS) {
            file(display, path);
        } else if (target.type() == FileStat.Type.DIRECTORY && links.directories() == LinkPolicy.ALWAYS) {
            if (recursive) {
                directory(display, path, depth, device);
            }
        } else {
            output.emit(Event.Notice.symbolicLink(display));
        }
    }

    /** clamscan strips trailing slashes from arguments (keeping a lone "/"). */
    static String stripTrailingSeparators(String arg) {
        int end = arg.length();
        while (end > 1 && arg.charAt(end - 1) == '/') {
            end--;
        }
        return arg.substring(0, end);
    }
}
