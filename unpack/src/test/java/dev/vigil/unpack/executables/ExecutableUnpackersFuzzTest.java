package dev.vigil.unpack.executables;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.UnpackException;
import dev.vigil.unpack.Unpacker;
import dev.vigil.unpack.cab.CabUnpacker;
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
}
