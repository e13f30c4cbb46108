package dev.vigil.unpack.pe;

import dev.vigil.engine.exe.Section;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * WWPack32-packed PE files, unpacked as ClamAV's {@code wwunpack} does: the sections are mapped at their RVAs into
 * an image, then each block listed in the packer section's table is decompressed in place with WWPack's bit codes, the
 * packer section dropped and the entry point restored. The image is the child (raw offsets = RVAs).
 */
public final class WwpackUnpacker extends PackedPeUnpacker {
    private static final byte[] EP_START = UpxUnpacker.hex("53558be833dbeb");
    private static final byte[] EP_0X68 = UpxUnpacker.hex("e800000000582d6d0000005060 33c9 5058 5050");

    @Override
    public String name() {
        return "wwpack";
    }

    @Override
    void unpack(PeImage pe, ScanInput input, ChildSink sink) throws IOException {
        List<Section> s = pe.sections();
        int n = s.size();
        byte[] ep = pe.epBytes();
        if (n < 2 || pe.entryRva() != s.get(n - 1).virtualAddress()
                || !Le.has(ep, 0x68, EP_0X68.length)
                || !Arrays.equals(ep, 0, EP_START.length, EP_START, 0, EP_START.length)
                || !Arrays.equals(ep, 0x68, 0x68 + EP_0X68.length, EP_0X68, 0, EP_0X68.length)) {
            return;
        }
        Section last = s.get(n - 1);
        long head = last.rawOffset();
        long imageSize = 0;
        for (int i = 0; i < n; i++) {
            head = Math.min(head, s.get(i).rawOffset());
            if (i + 1 < n) {
                imageSize = Math.max(imageSize, s.get(i).virtualAddress() + s.get(i).virtualSize());
            }
        }
        if (head == 0 || imageSize == 0 || head > imageSize) {
            return;
        }
        if (imageSize > Inputs.maxObject(sink)) {
            sink.limitExceeded("MaxFileSize", "WWPack image of " + imageSize + " bytes not unpacked");
            return;
        }
        byte[] image = new byte[(int) imageSize];
        if (input.read(0, image, 0, (int) head) != head) {
            return;
        }
        for (int i = 0; i + 1 < n; i++) {
            Section sec = s.get(i);
            if (sec.rawSize() == 0) {
                continue;
            }
            if (sec.virtualAddress() + sec.rawSize() > imageSize
                    || input.read(sec.rawOffset(), image, (int) sec.virtualAddress(), (int) sec.rawSize())
                    != sec.rawSize()) {
                return;
            }
        }
        if (last.rawSize() == 0 || last.rawSize() > Inputs.maxObject(sink)) {
            return;
        }
        byte[] packer = input.readFully(last.rawOffset(), (int) last.rawSize());
        if (packer.length != last.rawSize()) {
            return;
        }
        long lfanew = Le.u32(input.readFully(0x3c, 4), 0);
        if (unpackBlocks(image, packer, last) && fixHeaders(image, packer, s, lfanew)) {
            sink.child(new Child("wwpack-unpacked", "CL_TYPE_MSEXE", image.length), new ByteArrayInputStream(image));
        }
    }

    /** Decompresses every block the packer's table lists into {@code image}; false on a broken stream. */
    static boolean unpackBlocks(byte[] image, byte[] packer, Section last) {
        int table = 0x2a1;
        while (true) {
            if (!Le.has(packer, table, 17)) {
                return true; // ClamAV stops at the end of the table and keeps what it has
            }
            long src = (last.virtualAddress() - Le.u32(packer, table)) & 0xffffffffL;
            long packedSize = Le.u32(packer, table + 8) * 4 & 0xffffffffL;
            long srcEnd = Le.u32(packer, table + 12);
            table += 16;
            long start = (src + srcEnd + 4 - packedSize) & 0xffffffffL;
            if (packedSize == 0 || !Le.has(image, start, packedSize)) {
                return true;
            }
            byte[] packed = Arrays.copyOfRange(image, (int) start, (int) (start + packedSize));
            Arrays.fill(image, (int) start, (int) (start + packedSize), (byte) 0xff);
            if (!new Decoder(packed, image, (int) start).run()) {
                return false;
            }
            if (packer[table++] == 0) {
                return true;
            }
        }
    }

    private static boolean fixHeaders(byte[] image, byte[] packer, List<Section> s, long pe) {
        int count = s.size() - 1;
        if (!Le.has(image, pe + 0x50, 4) || !Le.has(packer, 0x295, 4)) {
            return false;
        }
        Section last = s.get(count);
        int p = (int) pe;
        Le.put16(image, p + 6, count);
        Le.put32(image, p + 0x28, Le.u32(packer, 0x295) + last.virtualAddress() + 0x299);
        Le.put32(image, p + 0x50, Le.u32(image, p + 0x50) - last.virtualSize());
        long table = Le.u16(image, p + 0x14) + pe + 0x18;
        for (int i = 0; i < count; i++, table += 0x28) {
            if (!Le.has(image, table, 0x28)) {
                return false;
            }
            Section sec = s.get(i);
            Le.put32(image, (int) table + 8, sec.virtualSize());
            Le.put32(image, (int) table + 12, sec.virtualAddress());
            Le.put32(image, (int) table + 16, sec.virtualSize());
            Le.put32(image, (int) table + 20, sec.virtualAddress());
        }
        if (!Le.has(image, table, 0x28)) {
            return false;
        }
        Arrays.fill(image, (int) table, (int) table + 0x28, (byte) 0);
        return true;
    }

    /** WWPack's bit decoder over one block; writes into the image from {@code out}. */
    private static final class Decoder {
        final byte[] in;
        final byte[] image;
        int inPos;
        int out;
        long word;
        int count;
        boolean error;

        Decoder(byte[] in, byte[] image, int out) {
            this.in = in;
            this.image = image;
            this.out = out;
        }

        private void reseed() {
            if (Le.has(in, inPos, 4)) {
                word = Le.u32(in, inPos);
                inPos += 4;
            } else {
                error = true;
            }
            count = 32;
        }

        private long bit() {
            long b = word >>> 31;
            word = word << 1 & 0xffffffffL;
            if (--count == 0) {
                reseed();
            }
            return b;
        }

        private long bits(int n) {
            long b = word >>> (32 - n);
            if (count >= n) {
                count -= n;
                word = word << n & 0xffffffffL;
                if (count == 0) {
                    reseed();
                }
            } else if (Le.has(in, inPos, 4)) {
                word = Le.u32(in, inPos);
                inPos += 4;
                count += 32 - n;
                b |= word >>> count;
                word = word << (32 - count) & 0xffffffffL;
            } else {
                error = true;
            }
            return b;
        }

        private boolean copy(long distance, long length) {
            if (length > image.length - out || distance > out || out - distance + length > image.length) {
                return false;
            }
            for (int i = 0; i < length; i++, out++) {
                image[out] = image[(int) (out - distance)];
            }
            return true;
        }

        /** True when the block ends with its end code and no error. */
        boolean run() {
            reseed();
            while (!error) {
                if (bit() == 0) {
                    if (inPos >= in.length || out >= image.length) {
                        return false;
                    }
                    image[out++] = in[inPos++];
                    continue;
                }
                long b = bits(2);
                if (b == 3) {
                    b = bits(2);
                    int shifted = (int) b + 5;
                    int subtract = 31;
                    if (b >= 2) {
                        shifted++;
                        subtract += 0x80;
                    }
                    long distance = (1L << shifted) - subtract;
                    b = bits(shifted);
                    if (error) {
                        return false;
                    }
                    if (b == 0x1ff) {
                        return true;
                    }
                    if (!copy(distance + b, 2)) {
                        return false;
                    }
                    continue;
                }
                long saved = b;
                b = bits(3);
                long distance;
                if (b < 6) {
                    int width = switch ((int) b) {
                        case 4 -> 10 + (int) bit();
                        case 3 -> 8 + (int) bit();
                        case 5 -> 12;
                        default -> (int) b + 5;
                    };
                    distance = bits(width) + (1L << width) - 31;
                } else if (b == 6) {
                    distance = bits(14) + 0x1fe1;
                } else {
                    distance = bits(15) + 0x5fe1;
                }
                long length;
                if (saved == 0) {
                    if (bit() == 0) {
                        length = bit() + 5;
                    } else if ((b = bits(3)) != 0) {
                        length = b + 6;
                    } else if ((b = bits(4)) != 0) {
                        length = b + 13;
                    } else {
                        int width = 4;
                        long base = 0x0d;
                        do {
                            if (width == 7) {
                                width = 0x0e;
                                base = 0;
                                break;
                            }
                            base = ((base + 2) << 1) - 1;
                            b = bit();
                            width++;
                        } while (b == 0);
                        length = bits(width) + base;
                    }
                } else {
                    length = saved + 2;
                }
                if (!copy(distance & 0xffffffffL, length)) {
                    return false;
                }
            }
            return false;
        }
    }
}
