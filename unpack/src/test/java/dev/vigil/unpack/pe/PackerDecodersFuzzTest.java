package dev.vigil.unpack.pe;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.engine.exe.Section;

import java.util.List;

/**
 * The packers' decoders on fuzzed images: they must end (true/false, a PE or null) without reading or writing
 * outside the arrays they are given, whatever the image says. Reached directly, since fuzzed files would rarely
 * carry the entry-point code that selects a packer.
 */
class PackerDecodersFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void ycDecryptor(FuzzedDataProvider data) {
        int code = data.consumeInt(-16, 256);
        int at = data.consumeInt(-16, 4096);
        long count = data.consumeLong(0, 0x3000);
        byte[] file = data.consumeRemainingAsBytes();
        YcUnpacker.emulate(file, code, at, count, count);
    }

    @FuzzTest(maxDuration = "30s")
    void wwpackBlocks(FuzzedDataProvider data) {
        byte[] image = new byte[data.consumeInt(0, 1 << 16)];
        long rva = data.consumeLong(0, 1L << 32);
        byte[] packer = data.consumeRemainingAsBytes();
        WwpackUnpacker.unpackBlocks(image, packer, new Section("ww", 0, packer.length, rva, 0x1000));
    }

    @FuzzTest(maxDuration = "30s")
    void petite(FuzzedDataProvider data) {
        int version = data.consumeInt(1, 2);
        long min = 0x1000;
        long entry = data.consumeLong(0, 1L << 32);
        byte[] image = data.consumeRemainingAsBytes();
        if (image.length < 16) {
            return;
        }
        List<Section> sections = List.of(new Section("a", 0x200, image.length / 2, min, image.length / 2),
                new Section("b", 0x400, image.length - image.length / 2, min + image.length / 2, 0x1000));
        PetiteUnpacker.inflate(image, min, sections, 0x400000, entry, version, 0, 0, 1 << 24);
    }

    @FuzzTest(maxDuration = "30s")
    void upxRebuild(FuzzedDataProvider data) {
        long upx0 = data.consumeLong(0, 1L << 32);
        byte[] image = data.consumeRemainingAsBytes();
        UpxRebuild.rebuild(image, image.length, upx0);
    }

    /** An image whose stub tables and blocks are fuzzed, for every ASPack version's offsets. */
    @FuzzTest(maxDuration = "30s")
    void aspack(FuzzedDataProvider data) {
        int version = data.consumeInt(0, 2);
        int ep = data.consumeInt(0, 0x100);
        byte[] image = data.consumeRemainingAsBytes();
        if (image.length == 0) {
            return;
        }
        byte[] mapped = java.util.Arrays.copyOf(image, Math.max(image.length, ep + 0x800));
        AspackUnpacker.unpackImage(mapped, List.of(new Section("a", 0, mapped.length, 0, mapped.length)), ep,
                0x400000, version, 1 << 24);
    }

    @FuzzTest(maxDuration = "30s")
    void fsg(FuzzedDataProvider data) {
        byte[] out = new byte[data.consumeInt(1, 1 << 16)];
        byte[] in = data.consumeRemainingAsBytes();
        FsgDecoder.decode(in, 0, in.length, out, 0, out.length);
    }

    /** PESpin's layers over a fuzzed stub: the section bytes decide every key and length. */
    @FuzzTest(maxDuration = "30s")
    void pespin(FuzzedDataProvider data) {
        int stubAt = data.consumeInt(0, 0x200);
        byte[] file = java.util.Arrays.copyOf(data.consumeRemainingAsBytes(), 0x8000);
        Section text = new Section("t", 0x400, 0x200, 0x1000, 0x1000);
        Section spin = new Section("s", 0x600, 0x7a00, 0x2000, 0x8000);
        PespinUnpacker.unspin(file, List.of(text), spin, 0x2000 + stubAt, 1 << 24, null);
    }

    /** MEW's stream chain over a fuzzed buffer: the record offset and both region sizes come from the fuzzer. */
    @FuzzTest(maxDuration = "30s")
    void mewChain(FuzzedDataProvider data) {
        long dsize = data.consumeLong(0, 1 << 16);
        int off = data.consumeInt(0, 64);
        long lzma = data.consumeBoolean() ? data.consumeLong(1, 1 << 16) : 0;
        byte[] packed = data.consumeRemainingAsBytes();
        if (packed.length + dsize == 0) {
            return;
        }
        byte[] buf = new byte[(int) (packed.length + dsize)];
        System.arraycopy(packed, 0, buf, (int) dsize, packed.length);
        MewUnpacker.unmew(buf, off, packed.length, dsize, 0x400000, 0x1000, lzma, 1 << 22);
    }

    /**
     * MEW's LZMA stage, both modes: a block list with fuzzed lengths and output place, and a fuzzed stream, in a
     * buffer with room for the model (random buffers would never hold one, and the decoder would not be reached).
     */
    @FuzzTest(maxDuration = "30s")
    void mewLzma(FuzzedDataProvider data) {
        boolean special = data.consumeBoolean();
        long vma = 0x401000;
        int outLength = data.consumeInt(0, 0x800);
        int outAt = data.consumeInt(0x6f00, 0xa000);
        byte[] stream = data.consumeRemainingAsBytes();
        byte[] buf = new byte[0xb000 + stream.length];
        int at = 0xa800;
        if (special) {
            Le.put32(buf, at, outLength);
            at += 4;
        }
        Le.put32(buf, at, vma + 0x100);
        Le.put32(buf, at + 4, outLength);
        Le.put32(buf, at + 8, vma + outAt);
        Le.put32(buf, at + 12, stream.length);
        System.arraycopy(stream, 0, buf, at + 17, Math.min(stream.length, buf.length - at - 17));
        MewLzma.decode(buf, 0xa800, vma, special);
    }

    /** Upack's stub walk and in-image LZMA over a fuzzed image and entry point, both layouts. */
    @FuzzTest(maxDuration = "30s")
    void upackImage(FuzzedDataProvider data) {
        boolean three = data.consumeBoolean();
        byte[] ep = data.consumeBytes(168);
        long vma = data.consumeLong(0, 1L << 32);
        int epOff = data.consumeInt(0, 0x400);
        byte[] image = data.consumeRemainingAsBytes();
        UpackUnpacker.unupack(three, image, ep, vma, epOff, 0x400000, 0x1000, 1 << 22);
    }
}
