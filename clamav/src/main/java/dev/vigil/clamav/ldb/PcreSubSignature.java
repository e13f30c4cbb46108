package dev.vigil.clamav.ldb;

import dev.vigil.engine.image.ImageEncodable;

import dev.vigil.clamav.hex.OffsetParser;
import dev.vigil.clamav.SignatureSyntaxException;
import dev.vigil.engine.ir.EvaluationContext;
import dev.vigil.engine.ir.OffsetSpec;
import dev.vigil.engine.ir.SubSignature;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PCRE subsignature {@code [Offset:]Trigger/regex/[flags]}, evaluated after the byte pass as libclamav's
 * {@code cli_pcre_scanbuf} does: only when the trigger expression holds over the earlier subsignatures; over the
 * data from the offset on (only up to offset+maxshift with {@code e}); anchored at the offset unless the offset is
 * {@code *}, has a maxshift, or {@code r} is given; a match starting after offset+maxshift does not count; with
 * {@code g} the search resumes at the end of each match and every match counts.
 */
public final class PcreSubSignature implements SubSignature.Post, ImageEncodable {
    /** Character reads allowed per search, on top of a few per byte searched (see {@link BoundedInput}). */
    static final long BASE_WORK = 10_000_000L;
    static final long WORK_PER_CHAR = 200;

    private final ClamLogicExpression trigger;
    private final OffsetSpec offset;
    private final Pattern pattern;
    private final boolean global;
    private final boolean rolling;
    private final boolean encompass;
    private final boolean anchoredOption;
    private final String source;
    /** The whole subsignature as written, offset included: what an engine image stores. */
    private final String text;

    private PcreSubSignature(ClamLogicExpression trigger, OffsetSpec offset, Pattern pattern, boolean global,
                             boolean rolling, boolean encompass, boolean anchoredOption, String source,
                             String text) {
        this.trigger = trigger;
        this.offset = offset;
        this.pattern = pattern;
        this.global = global;
        this.rolling = rolling;
        this.encompass = encompass;
        this.anchoredOption = anchoredOption;
        this.source = source;
        this.text = text;
    }

    @Override
    public String imageCodec() {
        return "clamav.pcre";
    }

    @Override
    public String imageText() {
        return text;
    }

    /** Parses subsignature {@code index} of a signature with the given target. */
    static PcreSubSignature parse(String text, int index, int target) throws SignatureSyntaxException {
        List<String> t = LdbParser.tokenize(text, ':', 5, 0);
        String offsetText = "*";
        String sig;
        if (t.size() == 2) {
            offsetText = t.get(0);
            sig = t.get(1);
        } else {
            sig = t.get(0);
        }
        int first = sig.indexOf('/');
        int last = sig.lastIndexOf('/');
        if (first == last) {
            throw new SignatureSyntaxException("PCRE subsignature with mismatched '/' delimiters");
        }
        if (text.startsWith("/")) {
            throw new SignatureSyntaxException("PCRE subsignature without a trigger");
        }
        String triggerText = sig.substring(0, first);
        String regex = sig.substring(first + 1, last);
        String flags = sig.substring(last + 1);
        if (triggerText.isEmpty() || regex.isEmpty()) {
            throw new SignatureSyntaxException("PCRE trigger and pattern must not be empty");
        }
        ClamLogicExpression trigger = ClamLogicExpression.parse(triggerText);
        long highest = trigger.maxSubsignature() & 0xffffffffL;
        if (highest >= index) {
            throw new SignatureSyntaxException("PCRE trigger must name only earlier subsignatures");
        }
        OffsetSpec offset = OffsetParser.parse(offsetText, target);
        boolean global = false;
        boolean rolling = false;
        boolean encompass = false;
        StringBuilder compileOptions = new StringBuilder();
        for (int i = 0; i < flags.length(); i++) {
            char f = flags.charAt(i);
            switch (f) {
                case 'i', 's', 'm', 'x', 'A', 'E', 'U' -> compileOptions.append(f);
                case 'g' -> global = true;
                case 'r' -> rolling = true;
                case 'e' -> encompass = true;
                default -> throw new SignatureSyntaxException("unknown PCRE flag '" + f + "'");
            }
        }
        String options = compileOptions.toString();
        Pattern pattern = PcreTranslator.compile(regex, options);
        return new PcreSubSignature(trigger, offset, pattern, global, rolling, encompass,
                options.indexOf('A') >= 0, sig, text);
    }

    @Override
    public int evaluate(EvaluationContext context, int[] counts) {
        if (!trigger.evaluate(counts)) {
            return 0;
        }
        long size = context.size();
        long maxData = context.pcreMaxFileSize();
        if (maxData > 0 && size > maxData) {
            return 0;
        }
        long start;
        long shift;
        boolean anyOffset = offset instanceof OffsetSpec.Any;
        if (anyOffset) {
            start = 0;
            shift = 0;
        } else {
            OffsetSpec.Window w = offset.resolve(size, context.executable());
            if (w == null) {
                return 0;
            }
            start = w.from();
            shift = w.to() - w.from();
        }
        if (start < 0 || start >= size) {
            return 0;
        }
        boolean anchored = anchoredOption || (!rolling && shift == 0 && !anyOffset);
        long available = size - start;
        int length = (int) (encompass && shift != 0 ? Math.min(shift, available) : available);
        BoundedInput subject = new BoundedInput(context.input(), start, length, 0);
        Matcher m = pattern.matcher(subject);
        m.useTransparentBounds(true);
        m.useAnchoringBounds(false);
        int count = 0;
        int from = 0;
        int lastCounted = -1;
        try {
            do {
                subject.resetBudget(BASE_WORK + WORK_PER_CHAR * (long) (length - from));
                m.region(from, length);
                boolean found = anchored ? m.lookingAt() : m.find();
                if (!found) {
                    break;
                }
                if (!encompass && shift != 0 && m.start() > shift) {
                    break;
                }
                // ClamAV counts a subsignature match only past the previous one it counted
                if (m.start() > lastCounted) {
                    count++;
                    lastCounted = m.start();
                }
                if (m.end() == from) {
                    // an empty match makes no progress: ClamAV would retry it until its scan time limit
                    break;
                }
                from = m.end();
            } while (global && from < length);
        } catch (BoundedInput.WorkLimitExceeded | UncheckedIOException | StackOverflowError e) {
            // PCRE2 gives up on its match limit and reports no match for that search
        }
        return count;
    }

    @Override
    public String toString() {
        return "pcre " + offset + ":" + source;
    }
}
