package dev.vigil.unpack.executables;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.UnpackException;
import dev.vigil.unpack.Unpacker;
import dev.vigil.unpack.autoit.AutoItUnpacker;
import dev.vigil.unpack.cab.CabUnpacker;
import dev.vigil.unpack.ishield.InstallShieldMsiUnpacker;
import dev.vigil.unpack.nsis.NsisUnpacker;
import dev.vigil.unpack.sis.SisUnpacker;
import dev.vigil.unpack.iso.IsoUnpacker;
import dev.vigil.unpack.pe.EmbeddedPeUnpacker;
import dev.vigil.unpack.pe.Nrv2;
import dev.vigil.unpack.pe.UpxUnpacker;
import dev.vigil.unpack.szdd.SzddUnpacker;

import java.io.IOException;
import java.util.List;

/** Any bytes: each unpacker delivers children or fails with UnpackException, within small limits. */
class ExecutableUnpackersFuzzTest {

    private static void run(Unpacker u, byte[] data) throws IOException {
        CollectingSink sink = new CollectingSink(CollectingSink.limits(1 << 22, 64, 1 << 24));
        ScanInput in = ScanInput.of(data);
        try {
            if (u.accepts(FileType.MSEXE, in) || u.accepts(FileType.BINARY_DATA, in)) {
                u.unpack(in, sink);
            }
        } catch (UnpackException expected) {
            // refused cleanly
        }
    }

    @FuzzTest(maxDuration = "30s")
    void nrv2(FuzzedDataProvider data) {
        Nrv2.Method method = data.pickValue(Nrv2.Method.values());
        byte[] out = new byte[data.consumeInt(0, 1 << 16)];
        byte[] in = data.consumeRemainingAsBytes();
        int n = Nrv2.decompress(method, in, 0, in.length, out);
        if (n > out.length || n < -1) {
            throw new AssertionError("impossible length " + n);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void upx(FuzzedDataProvider data) throws IOException {
        int upx0 = data.consumeInt(0x1000, 0x100000);
        byte[] packed = data.consumeRemainingAsBytes();
        if (packed.length == 0) {
            return;
        }
        byte[] pe = TestData.pe(0x1000 + upx0, List.of(new TestData.Sec("UPX0", 0x1000, upx0, null),
                new TestData.Sec("UPX1", 0x1000 + TestData.align(upx0, 0x1000), 0x10000, packed)));
        run(new UpxUnpacker(), pe);
    }

    @FuzzTest(maxDuration = "30s")
    void embeddedPe(byte[] data) throws IOException {
        run(new EmbeddedPeUnpacker(), data);
    }

    @FuzzTest(maxDuration = "30s")
    void cab(byte[] data) throws IOException {
        run(new CabUnpacker(), data);
    }

    @FuzzTest(maxDuration = "30s")
    void szdd(byte[] data) throws IOException {
        run(new SzddUnpacker(), data);
    }

    @FuzzTest(maxDuration = "30s")
    void iso(byte[] data) throws IOException {
        byte[] image = new byte[32768 + data.length];
        System.arraycopy(data, 0, image, 32768, data.length);
        run(new IsoUnpacker(), image);
    }

    @FuzzTest(maxDuration = "30s")
    void sis(byte[] data) throws IOException {
        run(new SisUnpacker(), data);
    }

    /** Fuzzed bytes behind an NSIS first header, so that the block and solid paths are reached. */
    @FuzzTest(maxDuration = "30s")
    void nsis(FuzzedDataProvider data) throws IOException {
        byte[] body = data.consumeRemainingAsBytes();
        byte[] file = new byte[64 + 28 + body.length];
        file[0] = 'M';
        file[1] = 'Z';
        byte[] sig = {(byte) 0xef, (byte) 0xbe, (byte) 0xad, (byte) 0xde, 'N', 'u', 'l', 'l', 's', 'o', 'f', 't',
                'I', 'n', 's', 't'};
        System.arraycopy(sig, 0, file, 64 + 4, sig.length);
        TestData.put32(file, 64 + 0x18, 28 + body.length);
        System.arraycopy(body, 0, file, 64 + 28, body.length);
        run(new NsisUnpacker(), file);
    }

    /** Fuzzed records behind the AutoIt marker, EA05 or EA06. */
    @FuzzTest(maxDuration = "30s")
    void autoit(FuzzedDataProvider data) throws IOException {
        boolean ea06 = data.consumeBoolean();
        byte[] body = data.consumeRemainingAsBytes();
        byte[] marker = dev.vigil.unpack.pe.UpxUnpacker.hexBytes("a3484bbe986c4aa9994c530a86d6487d");
        byte[] file = new byte[64 + 24 + body.length];
        System.arraycopy(marker, 0, file, 64, 16);
        System.arraycopy("AU3!EA0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, file, 80, 7);
        file[87] = (byte) (ea06 ? '6' : '5');
        System.arraycopy(body, 0, file, 88, body.length);
        run(new AutoItUnpacker(), file);
    }

    @FuzzTest(maxDuration = "30s")
    void ishieldMsi(byte[] data) throws IOException {
        byte[] file = new byte[14 + data.length];
        System.arraycopy("InstallShield\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, file, 0, 14);
        System.arraycopy(data, 0, file, 14, data.length);
        run(new InstallShieldMsiUnpacker(), file);
    }
}
