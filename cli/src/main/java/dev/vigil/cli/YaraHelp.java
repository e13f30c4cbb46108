package dev.vigil.cli;

/** {@code vigil yara --help}: yara's option list, with what Vigil does not do marked. */
final class YaraHelp {
    private YaraHelp() {
    }

    static String text(String vigilVersion) {
        return "Vigil " + vigilVersion + ": a YARA " + YaraRun.YARA_VERSION + " compatible scanner.\n"
                + YaraRun.USAGE.replace("yara", "vigil yara") + "\n\n"
                + "Mandatory arguments to long options are mandatory for short options too.\n\n"
                + "       --atom-quality-table=FILE           (not supported)\n"
                + "  -C,  --compiled-rules                    (not supported: pass rule sources)\n"
                + "  -c,  --count                             print only number of matches\n"
                + "  -E,  --strict-escape                     warn on unknown escape sequences\n"
                + "  -d,  --define=VAR=VALUE                  define external variable\n"
                + "  -q,  --disable-console-logs              disable printing console log messages\n"
                + "       --fail-on-warnings                  fail on warnings\n"
                + "  -f,  --fast-scan                         fast matching mode\n"
                + "  -h,  --help                              show this help and exit\n"
                + "  -i,  --identifier=IDENTIFIER             print only rules named IDENTIFIER\n"
                + "       --max-process-memory-chunk=NUMBER   (accepted, no effect: no process scanning)\n"
                + "  -l,  --max-rules=NUMBER                  abort scanning after matching a NUMBER of rules\n"
                + "       --max-strings-per-rule=NUMBER       (accepted, no effect)\n"
                + "  -x,  --module-data=MODULE=FILE           (not supported)\n"
                + "  -n,  --negate                            print only not satisfied rules (negate)\n"
                + "  -N,  --no-follow-symlinks                do not follow symlinks when scanning\n"
                + "  -w,  --no-warnings                       disable warnings\n"
                + "  -m,  --print-meta                        print metadata\n"
                + "  -D,  --print-module-data                 (not supported)\n"
                + "  -M,  --module-names                      (not supported)\n"
                + "  -e,  --print-namespace                   print rules' namespace\n"
                + "  -S,  --print-stats                       (not supported)\n"
                + "  -s,  --print-strings                     print matching strings\n"
                + "  -L,  --print-string-length               print length of matched strings\n"
                + "  -X,  --print-xor-key                     print xor key and plaintext of matched strings\n"
                + "  -g,  --print-tags                        print tags\n"
                + "  -r,  --recursive                         recursively search directories\n"
                + "       --scan-list                         scan files listed in FILE, one per line\n"
                + "  -z,  --skip-larger=NUMBER                skip files larger than the given size when scanning a directory\n"
                + "  -k,  --stack-size=SLOTS                  (accepted, no effect)\n"
                + "  -t,  --tag=TAG                           print only rules tagged as TAG\n"
                + "  -p,  --threads=NUMBER                    use the specified NUMBER of threads to scan a directory\n"
                + "  -a,  --timeout=SECONDS                   abort scanning after the given number of SECONDS\n"
                + "  -v,  --version                           show version information\n";
    }
}
