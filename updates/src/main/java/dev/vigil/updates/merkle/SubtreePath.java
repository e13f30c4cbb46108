package dev.vigil.updates.merkle;

import java.util.ArrayList;
import java.util.List;

/**
 * The descent of the RFC 9162 recursion from the tree [0, size) towards a subtree [start, end): at each level the
 * range is split at the largest power of two below its width, and the subtree lies left of the split, right of
 * it, or (only when it starts the range) across it. Crossing steps have their left sibling inside the subtree.
 * The descent stops at the first range that the subtree fills exactly, or that starts with the subtree's
 * remainder after a crossing. Proof generation and verification both walk this same shape.
 */
record SubtreePath(List<Step> steps, boolean subtreeIsNode, long bottomStart, long bottomEnd) {

    /** One level: the sibling range, whether it is on the left, and whether it belongs to the subtree. */
    record Step(long siblingStart, long siblingEnd, boolean siblingOnLeft, boolean insideSubtree) {
    }

    /** Requires a valid, non-empty subtree with end <= size. */
    static SubtreePath of(long start, long end, long size) {
        List<Step> steps = new ArrayList<>();
        long lo = 0;
        long hi = size;
        boolean node = true;
        while (!(start == lo && end == hi)) {
            long k = MerkleTree.largestPowerOfTwoBelow(hi - lo);
            long split = lo + k;
            if (end <= split) {
                steps.add(new Step(split, hi, false, false));
                hi = split;
            } else if (start >= split) {
                steps.add(new Step(lo, split, true, false));
                lo = split;
            } else {
                // start == lo here for a valid subtree: [lo, split) is a complete part of the subtree.
                steps.add(new Step(lo, split, true, true));
                lo = split;
                start = split;
                node = false;
            }
        }
        return new SubtreePath(steps, node, lo, hi);
    }
}
