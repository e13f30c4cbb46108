package dev.vigil.updates.release;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.updates.FormatException;

import java.nio.charset.StandardCharsets;

/**
 * Hostile bytes for the policy-file parser: a policy or a FormatException, never another exception; whatever parses
 * formats to a policy that parses to the same keys. Normal runs replay the seeds in PolicyFileFuzzTestInputs.
 */
class PolicyFileFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void policy(byte[] data) {
        try {
            ReleasePolicy p = PolicyFile.parse(data);
            int quorum = p.witnessQuorum() instanceof dev.vigil.updates.policy.Quorum.Group g ? g.threshold() : 0;
            ReleasePolicy again = PolicyFile.parse(PolicyFile.format(p, quorum).getBytes(StandardCharsets.UTF_8));
            if (!again.releaseKeys().equals(p.releaseKeys()) || again.threshold() != p.threshold()
                    || !again.witnessKeys().equals(p.witnessKeys())) {
                throw new AssertionError("policy does not survive formatting");
            }
        } catch (FormatException expected) {
            // refused input is fine
        }
    }
}
