package dev.vigil.updates.http;

/**
 * The only relative paths sent to or served from a release directory: slash-separated components of
 * {@code [A-Za-z0-9._+-]}, none empty, {@code .} or {@code ..}. That covers every tlog-tiles, manifest and artifact
 * path and leaves nothing to percent-encode, so a path can never leave its base URL or directory.
 */
final class SafePaths {
    static final int MAX_LENGTH = 512;

    private SafePaths() {
    }

    static boolean isSafe(String path) {
        if (path.isEmpty() || path.length() > MAX_LENGTH) {
            return false;
        }
        int componentStart = 0;
        for (int i = 0; i <= path.length(); i++) {
            char c = i == path.length() ? '/' : path.charAt(i);
            if (c == '/') {
                int len = i - componentStart;
                if (len == 0 || (len == 1 && path.charAt(componentStart) == '.')
                        || (len == 2 && path.startsWith("..", componentStart))) {
                    return false;
                }
                componentStart = i + 1;
            } else if (!isAllowed(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAllowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '-' || c == '+';
    }
}
