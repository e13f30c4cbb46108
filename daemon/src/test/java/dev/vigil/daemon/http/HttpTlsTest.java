package dev.vigil.daemon.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static dev.vigil.daemon.http.TestSupport.EICAR;
import static dev.vigil.daemon.http.TestSupport.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** HTTPS from a PKCS#12 keystore made by the JDK's keytool, with the bearer token on top. */
class HttpTlsTest {
    private static final char[] PASSWORD = "changeit-test".toCharArray();

    @TempDir
    static Path dir;
    private static Path keystore;

    private HttpApiServer server;

    @BeforeAll
    static void makeKeystore() throws Exception {
        keystore = dir.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "vigil", "-keyalg", "EC",
                "-groupname", "secp256r1", "-validity", "2", "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", new String(PASSWORD),
                "-keypass", new String(PASSWORD)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
    }

    private static HttpClient trustingClient() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            trust.load(in, PASSWORD);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void servesHttpsWithTheToken() throws Exception {
        server = new HttpApiServer(HttpApiConfig.builder().port(0).token("tls-token").tls(keystore, PASSWORD)
                .build(), TestSupport.defaultBackend()).start();
        assertThat(server.baseUri().getScheme()).isEqualTo("https");
        HttpClient client = trustingClient();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(server.baseUri().resolve("/v1/scan"))
                .header("Authorization", "Bearer tls-token").POST(HttpRequest.BodyPublishers.ofByteArray(EICAR))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.sslSession()).isPresent();
        assertThat(results(r).get(0)).containsEntry("status", "FOUND");
        HttpResponse<String> anonymous = client.send(HttpRequest.newBuilder(server.baseUri().resolve("/v1/version"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    @Test
    void clientsThatDoNotTrustTheCertificateAndPlainHttpFail() throws Exception {
        server = new HttpApiServer(HttpApiConfig.builder().port(0).tls(keystore, PASSWORD).build(),
                TestSupport.defaultBackend()).start();
        Throwable untrusted = catchThrowable(() -> TestSupport.client().send(HttpRequest.newBuilder(
                server.baseUri().resolve("/healthz")).build(), HttpResponse.BodyHandlers.ofString()));
        assertThat(untrusted).isInstanceOfAny(SSLHandshakeException.class, java.io.IOException.class);
        Throwable plain = catchThrowable(() -> TestSupport.client().send(HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + server.address().getPort() + "/healthz"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()));
        assertThat(plain).isNotNull();
        // the server still serves proper clients afterwards
        assertThat(trustingClient().send(HttpRequest.newBuilder(server.baseUri().resolve("/healthz")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    @Test
    void aWrongKeystorePasswordFailsAtStart() {
        HttpApiServer s = new HttpApiServer(HttpApiConfig.builder().port(0).tls(keystore, "wrong".toCharArray())
                .build(), TestSupport.defaultBackend());
        assertThat(catchThrowable(s::start)).isInstanceOf(java.io.IOException.class);
        s.close();
    }
}
