package dev.vigil.clamav;

import dev.vigil.engine.Engine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Small databases of every text format: Vigil must load exactly those clamscan loads, and count what clamscan
 * reports as "Known viruses".
 */
class LoaderOracleTest {
    private static final String MD5 = "44d88612fea8a8f36de82e1278abb02f";
    private static final String SHA1 = "3395856ce81f2b7382dee72602f798b642f14140";
    private static final String SHA256 = "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f";
    private static final String ICON = "10" + "0".repeat(122);

    static List<String[]> cases() {
        List<String[]> c = new ArrayList<>();
        // file name, content
        String[][] raw = {
                {"a.hdb", MD5 + ":68:Eicar\n"}, {"a.hdb", SHA1 + ":68:Eicar\n"}, {"a.hsb", SHA256 + ":68:Eicar\n"},
                {"a.hdb", MD5 + ":68:Eicar (Clam)\n"}, {"a.hdb", MD5 + ":68: (Clam)\n"}, {"a.hdb", MD5 + ":68:\n"},
                {"a.hdb", MD5 + ":*:Eicar\n"}, {"a.hdb", MD5 + ":*:Eicar:72\n"}, {"a.hdb", MD5 + ":*:Eicar:73\n"},
                {"a.hdb", MD5 + ":*:Eicar:73:\n"}, {"a.hdb", MD5 + ":68:Eicar:300\n"}, {"a.hdb", MD5 + ":68:Eicar:1:2\n"},
                {"a.hdb", MD5 + ":68:Eicar:x\n"}, {"a.hdb", MD5 + ":68:Eicar:1:999:1\n"}, {"a.hdb", MD5 + ":0:Eicar\n"},
                {"a.hdb", MD5 + ":-1:Eicar\n"}, {"a.hdb", MD5 + ": 68:Eicar\n"}, {"a.hdb", MD5 + ":+68:Eicar\n"},
                {"a.hdb", MD5 + ":68x:Eicar\n"}, {"a.hdb", MD5 + ":4294967295:Eicar\n"}, {"a.hdb", MD5 + ":4294967294:E\n"},
                {"a.hdb", MD5.substring(1) + ":68:Eicar\n"}, {"a.hdb", MD5.replace('4', 'g') + ":68:Eicar\n"},
                {"a.hdb", MD5.toUpperCase() + ":68:Eicar\n"}, {"a.hdb", MD5 + ":68\n"}, {"a.hdb", ""}, {"a.hdb", "\n"},
                {"a.hdb", "# only a comment\n"}, {"a.hdb", MD5 + ":68:A\n\n"}, {"a.hdb", MD5 + ":68:A\r\n" + MD5 + ":68:B"},
                {"A.HDB", MD5 + ":68:Upper\n"}, {"a.hdu", MD5 + ":68:PUA.A\n"}, {"a.hdu", "garbage\n"},
                {"a.mdb", "68:" + MD5 + ":Sect\n"}, {"a.mdb", MD5 + ":68:Sect\n"}, {"a.msb", "*:" + SHA256 + ":S:73\n"},
                {"a.imp", MD5 + ":*:Imp\n"}, {"a.imp", MD5 + ":68:Imp\n"}, {"a.fp", MD5 + ":68:Fp\n"},
                {"a.sfp", SHA256 + ":68:Fp\n"}, {"a.fp", "bad\n"},
                {"a.ndb", "N:0:*:41424344\n"}, {"a.ndb", "N:0:*:414243\n"}, {"a.ndb", "N:0:*:4142\n"},
                {"a.ndb", "N:1:*:4142\n"}, {"a.ndb", "N:1:0:4142\n"}, {"a.ndb", "N:2:0:4142\n"}, {"a.ndb", "N:*:*:414243\n"},
                {"a.ndb", "N::*:414243\n"}, {"a.ndb", "N:15:*:zz\n"}, {"a.ndb", "N:99999999999:*:zz\n"}, {"a.ndb", "N:x:*:414243\n"},
                {"a.ndb", "N:0:*:zz:300\n"}, {"a.ndb", "N:0:*:zz:1:2\n"}, {"a.ndb", "N:0:*:414243:x\n"}, {"a.ndb", "N:0:*:414243:1:y\n"},
                {"a.ndb", "N:0:*:414243:1:999\n"}, {"a.ndb", "N:0:*:414243:1:999:1\n"}, {"a.ndb", "N:0:*\n"},
                {"a.ndb", ":0:*:414243\n"}, {"a.ndb", " (Clam):0:*:414243\n"}, {"a.ndb", "N:0::414243\n"},
                {"a.ndb", "N:0:10:414243\n"}, {"a.ndb", "N:0:10,5:414243\n"}, {"a.ndb", "N:0:10,:414243\n"}, {"a.ndb", "N:0:10,x:414243\n"},
                {"a.ndb", "N:0:*,5:414243\n"}, {"a.ndb", "N:0:EOF-5:414243\n"}, {"a.ndb", "N:0:EOF-:414243\n"},
                {"a.ndb", "N:0:EP+5:414243\n"}, {"a.ndb", "N:1:EP+5:414243\n"}, {"a.ndb", "N:6:EP-5,3:414243\n"},
                {"a.ndb", "N:9:S1+5:414243\n"}, {"a.ndb", "N:1:S1+:414243\n"}, {"a.ndb", "N:1:S 1+ 5x:414243\n"},
                {"a.ndb", "N:1:SE2:414243\n"}, {"a.ndb", "N:1:SE:414243\n"}, {"a.ndb", "N:1:SEx:414243\n"},
                {"a.ndb", "N:1:SL+4:414243\n"}, {"a.ndb", "N:1:SL-4:414243\n"}, {"a.ndb", "N:1:VI:414243\n"}, {"a.ndb", "N:0:VI:414243\n"},
                {"a.ndb", "N:1:VIxyz:41424344\n"}, {"a.ndb", "N:0:$3$:414243\n"}, {"a.ndb", "N:0:$32$:414243\n"},
                {"a.ndb", "N:0:$x$:414243\n"}, {"a.ndb", "N:0:5$:414243\n"}, {"a.ndb", "N:0:" + "1".repeat(65) + ":414243\n"},
                {"a.ndb", "N:0:*:41(42|43)4445\n"}, {"a.ndb", "N:0:*:4142{5-}4344\n"}, {"a.ndb", "N:1:EP+0:4142??4344\n"},
                {"a.ndb", "N:1:EP+0:4142*4344\n"}, {"a.ndb", "N:3:EP+0:4142*4344\n"},
                {"a.ndu", "PUA.N:0:*:414243\n"}, {"a.sdb", "N:0:*:414243\n"},
                {"a.db", "Legacy=41424344\n"}, {"a.db", "Legacy=4142\n"}, {"a.db", "Legacy==41424344\n"},
                {"a.db", "=41424344\n"}, {"a.db", "Legacy=\n"}, {"a.db", "NoEquals\n"}, {"a.db", "L=41(42|43)4445\n"},
                {"a.ign2", "Eicar\n"}, {"a.ign2", "Eicar:" + MD5 + "\n"}, {"a.ign2", "Eicar:123\n"}, {"a.ign2", "a:b:c:d\n"},
                {"a.ign2", ""}, {"a.ign2", "Foo:" + MD5 + "\nBar\n"}, {"a.ign2", "Foo:" + MD5 + "\nBarBazQuxQuuxCorgeGraultGarply\n"},
                {"a.ign2", "Foo:" + MD5 + "\nA\nB:" + MD5 + "\n"}, {"a.ign", "x:1:Foo:" + MD5 + "\n"}, {"a.ign", "x:" + MD5 + "\nx:1:Foo\n"}, {"a.ign2", "\n"}, {"a.ign", "daily.ndb:12:Foo\n"}, {"a.ign", "a:b:\n"},
                {"a.ftm", "0:0:4d5a:EXE:CL_TYPE_ANY:CL_TYPE_MSEXE\n"}, {"a.ftm", "1:*:4d5a{60-300}50450000:PE:CL_TYPE_ANY:CL_TYPE_MSEXE\n"},
                {"a.ftm", "1:0,1024:41424344:T:CL_TYPE_ANY:CL_TYPE_HTML\n"}, {"a.ftm", "1:EOF-512:41424344:T:CL_TYPE_ANY:CL_TYPE_HTML\n"},
                {"a.ftm", "1:EP+0:41424344:T:CL_TYPE_ANY:CL_TYPE_HTML\n"}, {"a.ftm", "0:0:4d5a:EXE:CL_TYPE_ANY:CL_TYPE_NOPE\n"},
                {"a.ftm", "0:x:4d5a:EXE:CL_TYPE_ANY:CL_TYPE_MSEXE\n"}, {"a.ftm", "0:0:4d5:EXE:CL_TYPE_ANY:CL_TYPE_MSEXE\n"},
                {"a.ftm", "7:0:4d5a:EXE:CL_TYPE_ANY:CL_TYPE_MSEXE\n"}, {"a.ftm", "0:0:4d5a:EXE:CL_TYPE_ANY:CL_TYPE_MSEXE:300\n"},
                {"a.ftm", "1:*:4142:T:CL_TYPE_ANY:CL_TYPE_HTML\n"}, {"a.ftm", "1:*:414243:T:CL_TYPE_ANY:CL_TYPE_HTML\n"},
                {"a.ftm", "0:0:4d5a:EXE:CL_TYPE_ANY:CL_TYPE_MSEXE::121\n"}, {"a.ftm", "1:*:41424344::CL_TYPE_ANY:CL_TYPE_HTML\n"},
                {"a.cdb", "C:CL_TYPE_ZIP:*:.*\\.exe$:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:1-2:*:3:4:0:5:*:*:1:999\n"},
                {"a.cdb", "C:CL_TYPE_NOPE:*:*:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:x:*:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:*:*:*:2:*:*:*\n"},
                {"a.cdb", "C:*:*:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:(:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:(?i)a.{0,5}b:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:(?i):*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:x(?i)y:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:*:*:*:*:*:*:*:300\n"},
{"a.cdb", "C:*:*:(:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:(?i)a.{0,5}b:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:(?i):*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:x(?i)y:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:a):*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:a**:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:[a-:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:[[=a=]]:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:[[.a.]]:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:[[.ab.]]:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:[]a]:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:[^]a]:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:[a-]:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:[-a]:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:[[:foo:]]:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:a{2,1}:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:a{255}:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:a{256}:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:{1}:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:a{:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:a{x}:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:^*:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:():*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:(|a):*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:a||b:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:[z-a]:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:\\:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:x\\:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:a+?:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:a{1}{2}:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:$*:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:.*\\.exe$:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:[[:<:]]a:*:*:*:*:*:*\n"}, {"a.cdb", "C:*:*:é:*:*:*:*:*:*\n"}, 
                {"a.idb", "I:G1:G2:" + ICON + "\n"}, {"a.idb", "I:G1:G2:123\n"}, {"a.crb", ""}, {"a.crb", "x\n"},
                {"a.pdb", "H:example.com\n"}, {"a.pdb", "R:.*example\\.com\n"}, {"a.wdb", "M:a.com:b.com\n"}, {"a.gdb", "S:P:1234\n"},
                {"a.pdb", "Q:x\n"}, {"a.cfg", "garbage\n"}, {"a.cbc", "garbage\n"}, {"a.yar", "rule a { condition: true }\n"},
                {"a.info", "x\n"}, {"a.txt", "anything\n"}, {"a.zmd", "# c\n"}, {"a.pwdb", "# c\n"},
        };
        for (String[] r : raw) {
            c.add(r);
        }
        // long lines: ClamAV reads plain files in 8 KiB pieces
        c.add(new String[] {"a.ndb", "N:0:*:" + "41".repeat(4200) + "\n"});
        c.add(new String[] {"a.hdb", MD5 + ":68:" + "A".repeat(8200) + "\n"});
        return c;
    }

    @Test
    void loadsExactlyWhatClamscanLoadsWithItsCount(@TempDir Path dir) throws Exception {
        Clamscan.assumeAvailable();
        Path empty = Files.createFile(dir.resolve("empty"));
        List<String[]> cases = cases();
        List<Future<Clamscan.Result>> results = new ArrayList<>();
        List<Path> dbs = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            for (int i = 0; i < cases.size(); i++) {
                Path d = Files.createDirectories(dir.resolve("c" + i));
                Path db = d.resolve(cases.get(i)[0]);
                Files.writeString(db, cases.get(i)[1], StandardCharsets.UTF_8);
                dbs.add(db);
                results.add(pool.submit(() -> Clamscan.load(db, empty)));
            }
            List<String> mismatches = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                Clamscan.Result r = results.get(i).get();
                String ours = vigil(dbs.get(i));
                String theirs = r.loaded() ? "loads " + r.knownViruses() : "refused";
                if (!ours.startsWith(theirs)) {
                    mismatches.add(cases.get(i)[0] + " " + abbreviate(cases.get(i)[1]) + ": clamscan " + theirs + ", Vigil " + ours);
                }
            }
            assertThat(mismatches).isEmpty();
        }
    }

    static String vigil(Path db) throws IOException {
        try {
            return "loads " + new ClamAvLoader(LoadOptions.DEFAULT).load(db, Engine.builder());
        } catch (DatabaseException e) {
            return "refused (" + e.getMessage() + ")";
        }
    }

    private static String abbreviate(String s) {
        String t = s.replace("\n", "\\n");
        return t.length() > 70 ? t.substring(0, 67) + "..." : t;
    }
}
