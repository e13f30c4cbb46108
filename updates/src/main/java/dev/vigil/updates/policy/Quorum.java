package dev.vigil.updates.policy;

import dev.vigil.updates.note.NoteVerifier;

import java.util.List;
import java.util.Set;

/** A node of a witness quorum: one witness, or a group satisfied when at least {@code threshold} members are. */
public sealed interface Quorum {
    /** Whether the witnesses whose cosignatures verified satisfy this node. */
    boolean satisfiedBy(Set<NoteVerifier> cosigned);

    record Witness(String name, NoteVerifier key, String url) implements Quorum {
        @Override
        public boolean satisfiedBy(Set<NoteVerifier> cosigned) {
            return cosigned.contains(key);
        }
    }

    record Group(String name, int threshold, List<Quorum> members) implements Quorum {
        public Group {
            members = List.copyOf(members);
            if (threshold < 0 || threshold > members.size()) {
                throw new IllegalArgumentException("group threshold must be 0.." + members.size());
            }
        }

        @Override
        public boolean satisfiedBy(Set<NoteVerifier> cosigned) {
            int count = 0;
            for (Quorum m : members) {
                if (count >= threshold) {
                    break;
                }
                if (m.satisfiedBy(cosigned)) {
                    count++;
                }
            }
            return count >= threshold;
        }
    }

    /** {@code quorum none}: no cosignature needed. */
    record None() implements Quorum {
        @Override
        public boolean satisfiedBy(Set<NoteVerifier> cosigned) {
            return true;
        }
    }
}
