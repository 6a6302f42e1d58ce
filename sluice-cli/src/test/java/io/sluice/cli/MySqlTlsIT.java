package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.engine.config.JsonFiles;
import io.sluice.testkit.IcebergReadBack;
import io.sluice.testkit.MariaDbServer;
import io.sluice.testkit.TestCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to MariaDB against a server started with a self-signed certificate, for the JDBC connections and the binlog
 * connection alike: {@code verify-full} with the right CA syncs a cdc stream; a wrong CA, a host name the
 * certificate does not cover, and {@code require} against a server without TLS each fail saying so, in one line,
 * without the password.
 */
class MySqlTlsIT {
  @TempDir static Path certificates;
  private static TestCertificate serverCertificate;
  private static TestCertificate otherCa;
  private static MariaDbServer tlsServer;
  private static MariaDbServer plainServer;

  @TempDir Path directory;

  @BeforeAll
  static void startServers() {
    serverCertificate = TestCertificate.create(certificates, "sluice-test-mariadb");
    otherCa = TestCertificate.create(certificates, "someone-else");
    tlsServer = MariaDbServer.startWithTls(serverCertificate);
    plainServer = MariaDbServer.startWithoutTls();
    tlsServer.execute("CREATE DATABASE secure", "CREATE TABLE secure.t (id INT PRIMARY KEY, v VARCHAR(10))",
        "INSERT INTO secure.t VALUES (1, 'one'), (2, 'two')");
  }

  @AfterAll
  static void stopServers() {
    if (tlsServer != null) {
      tlsServer.close();
    }
    if (plainServer != null) {
      plainServer.close();
    }
  }

  private Workspace workspace(String host, MariaDbServer server, String sslMode, Path rootCert) throws Exception {
    Workspace workspace = Workspace.createMySql(directory, server, "secure", 1_000);
    ObjectNode source = (ObjectNode) JsonFiles.readObject(workspace.source());
    source.put("host", host).put("ssl_mode", sslMode).put("connect_timeout_seconds", 5);
    if (rootCert != null) {
      source.put("ssl_root_cert", rootCert.toString());
    }
    Files.writeString(workspace.source(), JsonFiles.toText(source));
    return workspace;
  }

  @Test
  void verifyFullWithTheServersCaSyncsTheChangeLogOverTls() throws Exception {
    Workspace workspace = workspace("127.0.0.1", tlsServer, "verify-full", serverCertificate.certificateFile());
    CliRun check = CliRun.of(Workspace.ENVIRONMENT, "check", "--source", workspace.source().toString());
    assertThat(check.exitCode()).as(check.all()).isZero();
    assertThat(workspace.discover().exitCode()).isZero();
    ChangeDataCaptureIT.useChangeLog(workspace);
    CliRun backfill = workspace.sync();
    assertThat(backfill.exitCode()).as(backfill.all()).isZero();
    tlsServer.execute("INSERT INTO secure.t VALUES (3, 'three')", "DELETE FROM secure.t WHERE id = 1");
    CliRun changes = workspace.sync();
    assertThat(changes.exitCode()).as(changes.all()).isZero();
    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      assertThat(iceberg.rows("secure", "t")).extracting(record -> record.getField("id"))
          .containsExactlyInAnyOrder(2, 3);
    }
  }

  @Test
  void aCertificateSignedBySomeoneElseIsRefused() throws Exception {
    Workspace workspace = workspace("127.0.0.1", tlsServer, "verify-full", otherCa.certificateFile());
    CliRun discover = workspace.discover();
    assertThat(discover.exitCode()).as(discover.all()).isEqualTo(1);
    assertThat(discover.err().lines().toList()).hasSize(1);
    assertThat(discover.err()).startsWith("sluice: Cannot connect to mysql at 127.0.0.1:" + tlsServer.port())
        .containsIgnoringCase("certificate").doesNotContain(MariaDbServer.PASSWORD);
  }

  @Test
  void verifyFullChecksTheHostName() throws Exception {
    Workspace workspace = workspace("localhost", tlsServer, "verify-full", serverCertificate.certificateFile());
    CliRun discover = workspace.discover();
    assertThat(discover.exitCode()).as(discover.all()).isEqualTo(1);
    assertThat(discover.err().lines().toList()).hasSize(1);
    assertThat(discover.err()).startsWith("sluice: Cannot connect to mysql at localhost:" + tlsServer.port())
        .containsIgnoringCase("localhost");
  }

  @Test
  void requireAgainstAServerWithoutTlsFailsInsteadOfFallingBack() throws Exception {
    Workspace workspace = workspace("127.0.0.1", plainServer, "require", null);
    CliRun check = CliRun.of(Workspace.ENVIRONMENT, "check", "--source", workspace.source().toString());
    assertThat(check.exitCode()).as(check.all()).isEqualTo(3);
    assertThat(check.out()).contains("FAILED").containsIgnoringCase("ssl");
  }
}
