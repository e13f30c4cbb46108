package dev.vigil.yara.condition;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.yara.modules.StructValue;
import dev.vigil.yara.strings.MatchView;

import java.util.Map;

/** Scan contexts over byte arrays for tests: given matches per global string index, no others. */
final class TestContexts {

    private TestContexts() {
    }

    record Matches(long[] offsets, int[] lengths) implements MatchView {
        @Override
        public int count() {
            return offsets.length;
        }

        @Override
        public long offset(int i) {
            return offsets[i];
        }

        @Override
        public int length(int i) {
            return lengths[i];
        }
    }

    static final MatchView NONE = new Matches(new long[0], new int[0]);

    static ScanContext of(byte[] data, Map<Integer, MatchView> matches, Map<String, StructValue> modules) {
        return of(ScanInput.of(data), matches, modules);
    }

    static ScanContext of(ScanInput input, Map<Integer, MatchView> matches, Map<String, StructValue> modules) {
        return new ScanContext() {
            @Override
            public MatchView matches(int stringIndex) {
                return matches.getOrDefault(stringIndex, NONE);
            }

            @Override
            public long filesize() {
                return input.size();
            }

            @Override
            public ScanInput input() {
                return input;
            }

            @Override
            public Long entrypoint() {
                return null;
            }

            @Override
            public StructValue module(String name) {
                return modules.get(name);
            }
        };
    }
}
