package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testkit.PostgresServer;
import io.sluice.testkit.TestCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to PostgreSQL against a server started with a self-signed certificate: {@code verify-full} with the right
 * CA connects; a wrong CA, a host name the certificate does not cover, and {@code require} against a server that
 * offers no TLS each fail with a message saying so.
 */
class TlsConnectionIT {
  private static final Map<String, String> ENVIRONMENT = Map.of("PG_PASSWORD", PostgresServer.PASSWORD);
  @TempDir static Path certificates;
  private static TestCertificate serverCertificate;
  private static TestCertificate otherCa;
  private static PostgresServer tlsServer;
  private static PostgresServer plainServer;

  @TempDir Path directory;

  @BeforeAll
  static void startServers() {
    serverCertificate = TestCertificate.create(certificates, "sluice-test-server");
    otherCa = TestCertificate.create(certificates, "someone-else");
    tlsServer = PostgresServer.startWithTls(serverCertificate);
    plainServer = PostgresServer.start();
  }

  @AfterAll
  static void stopServers() {
    tlsServer.close();
    plainServer.close();
  }

  private Path source(String host, PostgresServer server, String sslMode, Path rootCert) throws Exception {
    return Files.writeString(directory.resolve("source.json"), """
        {"type": "postgres", "host": "%s", "port": %d, "database": "postgres", "username": "postgres",
         "password": "${PG_PASSWORD}", "ssl_mode": "%s", %s "connect_timeout_seconds": 5}
        """.formatted(host, server.port(), sslMode,
        rootCert == null ? "" : "\"ssl_root_cert\": \"" + rootCert + "\","));
  }

  @Test
  void verifyFullWithTheServersCaConnectsOverTls() throws Exception {
    CliRun check = CliRun.of(ENVIRONMENT, "check", "--source",
        source("127.0.0.1", tlsServer, "verify-full", serverCertificate.certificateFile()).toString());
    assertThat(check.exitCode()).as(check.all()).isZero();
    CliRun discover = CliRun.of(ENVIRONMENT, "discover", "--source",
        source("127.0.0.1", tlsServer, "verify-full", serverCertificate.certificateFile()).toString());
    assertThat(discover.exitCode()).as(discover.all()).isZero();
  }

  @Test
  void aCertificateSignedBySomeoneElseIsRefused() throws Exception {
    CliRun discover = CliRun.of(ENVIRONMENT, "discover", "--source",
        source("127.0.0.1", tlsServer, "verify-full", otherCa.certificateFile()).toString());
    assertThat(discover.exitCode()).as(discover.all()).isEqualTo(1);
    assertThat(discover.err().lines().toList()).hasSize(1);
    assertThat(discover.err()).startsWith("sluice: Cannot connect to postgres at 127.0.0.1:" + tlsServer.port())
        .containsIgnoringCase("certificate").doesNotContain(PostgresServer.PASSWORD);
  }

  @Test
  void verifyFullChecksTheHostName() throws Exception {
    CliRun discover = CliRun.of(ENVIRONMENT, "discover", "--source",
        source("localhost", tlsServer, "verify-full", serverCertificate.certificateFile()).toString());
    assertThat(discover.exitCode()).as(discover.all()).isEqualTo(1);
    assertThat(discover.err()).startsWith("sluice: Cannot connect to postgres at localhost:" + tlsServer.port())
        .containsIgnoringCase("hostname");
  }

  @Test
  void requireAgainstAServerWithoutTlsFailsInsteadOfFallingBack() throws Exception {
    CliRun check = CliRun.of(ENVIRONMENT, "check", "--source",
        source("127.0.0.1", plainServer, "require", null).toString());
    assertThat(check.exitCode()).as(check.all()).isEqualTo(3);
    assertThat(check.out()).contains("FAILED").containsIgnoringCase("does not support SSL");
  }
}
