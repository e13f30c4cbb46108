package dev.vigil.bench;

import java.util.SplittableRandom;

/**
 * Detection names in the shape of the official databases: {@code Platform.Category.Family-SigId-Revision},
 * e.g. {@code Win.Trojan.Agent-1234567-0}. Signature ids increase, as Talos assigns them, so every name is unique.
 */
final class SignatureNames {
    private static final String[] CATEGORIES = {
        "Trojan", "Trojan", "Trojan", "Malware", "Malware", "Downloader", "Dropper", "Ransomware", "Exploit",
        "Virus", "Worm", "Adware", "Packed", "Coinminer", "Backdoor", "Spyware", "Keylogger", "Phishing", "Tool",
    };
    private static final String[] FAMILIES = {
        "Agent", "Agent", "Agent", "Generic", "Zusy", "Emotet", "Qakbot", "Trickbot", "Mirai", "Gafgyt", "Tsunami",
        "Xmrig", "Lokibot", "Formbook", "AgentTesla", "Remcos", "NanoCore", "njRAT", "Ursnif", "Dridex", "Ramnit",
        "Sality", "Virut", "Expiro", "Allaple", "Upatre", "Zbot", "Kryptik", "Razy", "Ulise", "Mikey", "Lazy",
        "Cobaltstrike", "Meterpreter", "Webshell", "Valyria", "Downldr", "Obfus", "Redline", "Vidar", "Raccoon",
    };
    /** Platform prefix per ClamAV target type 0..14 (several choices for "any"). */
    private static final String[][] PLATFORMS = {
        {"Win", "Win", "Unix", "Multios", "Txt", "Doc", "Js", "Html"}, // 0 any
        {"Win"}, {"Doc", "Xls"}, {"Html"}, {"Email"}, {"Img"}, {"Unix"}, {"Txt", "Js", "Php", "Vbs"},
        {"Win"}, {"Osx"}, {"Pdf"}, {"Swf"}, {"Java"}, {"Multios"}, {"Multios"},
    };

    private final SplittableRandom random;
    private long nextId;

    SignatureNames(SplittableRandom random) {
        this.random = random;
        this.nextId = 1_000_000 + random.nextInt(1_000_000);
    }

    String next(int target) {
        String[] platforms = PLATFORMS[Math.max(0, Math.min(target, PLATFORMS.length - 1))];
        String platform = platforms[random.nextInt(platforms.length)];
        String category = CATEGORIES[random.nextInt(CATEGORIES.length)];
        String family = FAMILIES[random.nextInt(FAMILIES.length)];
        nextId += 1 + random.nextInt(7);
        int revision = random.nextInt(10) < 8 ? 0 : 1 + random.nextInt(2);
        return platform + "." + category + "." + family + "-" + nextId + "-" + revision;
    }
}
