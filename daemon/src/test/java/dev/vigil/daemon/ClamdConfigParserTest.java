package dev.vigil.daemon;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClamdConfigParserTest {
    private static ClamdConfig parse(String text) throws ConfigException {
        return ClamdConfigParser.parse(text, "clamd.conf");
    }

    @Test
    void defaultsAreClamds() throws Exception {
        ClamdConfig c = parse("# nothing\n");
        assertThat(c.tcpSocket()).isEqualTo(-1);
        assertThat(c.localSocket()).isNull();
        assertThat(c.databaseDirectory()).isEqualTo(Path.of("/var/lib/clamav"));
        assertThat(c.maxThreads()).isEqualTo(10);
        assertThat(c.maxQueue()).isEqualTo(100);
        assertThat(c.streamMaxLength()).isEqualTo(100L << 20);
        assertThat(c.maxScanSize()).isEqualTo(400L << 20);
        assertThat(c.maxFileSize()).isEqualTo(100L << 20);
        assertThat(c.commandReadTimeoutSeconds()).isEqualTo(30);
        assertThat(c.readTimeoutSeconds()).isEqualTo(120);
        assertThat(c.sendBufTimeoutMillis()).isEqualTo(500);
        assertThat(c.allowAllMatchScan()).isTrue();
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void contentLimitsAreAppliedAndTheOnesWithoutEffectAccepted() throws Exception {
        ClamdConfig d = parse("# nothing\n");
        assertThat(d.contentLimits()).isEqualTo(ClamdConfig.ContentLimits.DEFAULT);
        assertThat(d.unpackLimits().maxEmbeddedPe()).isEqualTo(40L << 20);
        assertThat(d.scanLimits().maxHtmlNormalize()).isEqualTo(40L << 20);
        assertThat(d.scanLimits().pcreMaxFileSize()).isEqualTo(100L << 20);
        ClamdConfig c = parse("""
                MaxEmbeddedPE 1K
                MaxHTMLNormalize 2M
                MaxHTMLNoTags 3k
                MaxScriptNormalize 0
                PCREMaxFileSize 5
                MaxZipTypeRcg 1M
                MaxPartitions 3
                MaxIconsPE 4
                MaxRecHWP3 5
                PCREMatchLimit 6
                PCRERecMatchLimit 7
                """);
        assertThat(c.warnings()).isEmpty();
        assertThat(c.unpackLimits().maxEmbeddedPe()).isEqualTo(1024);
        assertThat(c.unpackLimits().maxHtmlNormalize()).isEqualTo(2L << 20);
        assertThat(c.scanLimits().maxHtmlNoTags()).isEqualTo(3072);
        assertThat(c.scanLimits().maxScriptNormalize()).isZero(); // 0: no limit
        assertThat(c.unpackLimits().pcreMaxFileSize()).isEqualTo(5);
        assertThatThrownBy(() -> parse("MaxHTMLNormalize lots\n")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> parse("MaxPartitions 1K\n")).isInstanceOf(ConfigException.class);
    }

    @Test
    void valuesInClamdsSyntax() throws Exception {
        ClamdConfig c = parse("""
                TCPSocket 3310
                TCPAddr 127.0.0.1
                TCPAddr ::1
                  LocalSocket "/run/clamav/clamd.ctl"
                StreamMaxLength 25M
                MaxScanSize 2g
                MaxFileSize 0
                MaxThreads\t4
                AlertExceedsMax true
                AllowAllMatchScan 0
                LogTime YES
                Foreground no
                """);
        assertThat(c.tcpSocket()).isEqualTo(3310);
        assertThat(c.tcpAddrs()).containsExactly("127.0.0.1", "::1");
        assertThat(c.localSocket()).isEqualTo(Path.of("/run/clamav/clamd.ctl"));
        assertThat(c.streamMaxLength()).isEqualTo(25L << 20);
        assertThat(c.maxScanSize()).isEqualTo(2L << 30);
        assertThat(c.maxFileSize()).isZero(); // 0: no limit
        assertThat(c.maxThreads()).isEqualTo(4);
        assertThat(c.alertExceedsMax()).isTrue();
        assertThat(c.allowAllMatchScan()).isFalse();
        assertThat(c.logTime()).isTrue();
        assertThat(c.foreground()).isFalse();
    }

    @Test
    void unknownAndUnappliedOptionsAreReportedWithTheirLine() throws Exception {
        ClamdConfig c = parse("LogSyslog yes\nFrobnicate 3\nUser clamav\n");
        assertThat(c.warnings()).containsExactly(
                "clamd.conf:1: clamd option LogSyslog is not applied by vigild; ignored",
                "clamd.conf:2: Unknown option Frobnicate; ignored (clamd would refuse to start)",
                "clamd.conf:3: User is ignored: vigild does not change its user; start it as the user it should"
                        + " run as");
    }

    @Test
    void malformedFilesAreRefusedAsClamdRefusesThem() {
        assertThatThrownBy(() -> parse("Example\nTCPSocket 3310\n")).hasMessageContaining("clamd.conf:1");
        assertThatThrownBy(() -> parse("TCPSocket\n")).hasMessageContaining("Missing argument");
        assertThatThrownBy(() -> parse("TCPSocket abc\n")).hasMessageContaining("Incorrect argument format");
        assertThatThrownBy(() -> parse("StreamMaxLength 10T\n")).hasMessageContaining("StreamMaxLength");
        assertThatThrownBy(() -> parse("Foreground maybe\n")).hasMessageContaining("Foreground");
        assertThatThrownBy(() -> parse("LocalSocket \"\"\n")).hasMessageContaining("Empty argument");
    }

    @Test
    void aNulEndsTheLineAsInC() throws Exception {
        ClamdConfig c = parse("TCPSocket 3310\0garbage\nLocalSocket /tmp/x\0/y\n");
        assertThat(c.tcpSocket()).isEqualTo(3310);
        assertThat(c.localSocket()).isEqualTo(Path.of("/tmp/x"));
        assertThatThrownBy(() -> parse("LocalSocket \"/\f\0tmp/x\"\n")).isInstanceOf(ConfigException.class);
    }

    @Test
    void hugeNumbersAreClippedNotWrapped() throws Exception {
        ClamdConfig c = parse("MaxThreads 99999999999999\nStreamMaxLength 99999999999999999999G\n");
        assertThat(c.maxThreads()).isEqualTo(Integer.MAX_VALUE);
        assertThat(c.streamMaxLength()).isZero();
    }

    @Test
    void commandParsingFollowsClamdsTable() {
        assertThat(ClamdCommand.parse("VERSIONCOMMANDS", false).command()).isEqualTo(ClamdCommand.VERSIONCOMMANDS);
        assertThat(ClamdCommand.parse("VERSIONCOMMANDS", true).command()).isEqualTo(ClamdCommand.UNKNOWN);
        assertThat(ClamdCommand.parse("SCAN /x", false)).isEqualTo(new ClamdCommand.Parsed(ClamdCommand.SCAN, "/x"));
        assertThat(ClamdCommand.parse("DETSTATSCLEAR", true).command()).isEqualTo(ClamdCommand.DETSTATSCLEAR);
        assertThat(ClamdCommand.parse("PING ", false).command()).isEqualTo(ClamdCommand.UNKNOWN);
        assertThat(ClamdCommand.LIST).isEqualTo(" SCAN QUIT RELOAD PING CONTSCAN VERSIONCOMMANDS VERSION END SHUTDOWN"
                + " MULTISCAN FILDES STATS IDSESSION INSTREAM DETSTATSCLEAR DETSTATS ALLMATCHSCAN");
    }
}
