package io.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spi.CheckResult;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import io.sluice.spi.Source;
import io.sluice.testkit.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Connection failures are classified at the boundary (credentials and unknown databases are permanent; refused
 * and timed-out connections transient), their messages say where and as whom, and the password appears nowhere.
 */
class PostgresConnectionErrorsIT {
  private static final String DISTINCTIVE_PASSWORD = "Tr0mb0ne-S3cr3t-9931!";
  private static PostgresServer server;

  @BeforeAll
  static void startServer() {
    server = PostgresServer.start();
    server.execute("CREATE ROLE alice LOGIN PASSWORD 'the-right-one'");
  }

  @AfterAll
  static void stopServer() throws Exception {
    PostgresSourceFixture.close(server);
  }

  @Test
  void wrongPasswordIsPermanentAndThePasswordAppearsInNoMessageExceptionOrLog() {
    ObjectNode config = PostgresSourceFixture.config(server);
    config.put("username", "alice");
    config.put("password", DISTINCTIVE_PASSWORD);
    PrintStream originalErr = System.err;
    PrintStream originalOut = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    SluiceException error;
    CheckResult check;
    try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setErr(capture);
      System.setOut(capture);
      try (Source source = PostgresSourceFixture.source(config)) {
        error = catchThrowableOfType(SluiceException.class, source::discover);
        check = source.check();
        capture.println(source);
      }
    } finally {
      System.setErr(originalErr);
      System.setOut(originalOut);
    }

    assertThat(error.kind()).isEqualTo(ErrorKind.PERMANENT);
    assertThat(error.getMessage())
        .startsWith("Cannot connect to postgres at 127.0.0.1:" + server.port() + "/postgres as alice: ")
        .contains("password authentication failed");
    StringWriter trace = new StringWriter();
    error.printStackTrace(new PrintWriter(trace));
    assertThat(trace.toString()).doesNotContain(DISTINCTIVE_PASSWORD);
    assertThat(check.passed()).isFalse();
    assertThat(check.probes().get(0).message()).contains("password authentication failed", "password")
        .doesNotContain(DISTINCTIVE_PASSWORD);
    assertThat(check.toString()).doesNotContain(DISTINCTIVE_PASSWORD);
    assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain(DISTINCTIVE_PASSWORD);
  }

  @Test
  void unknownRoleAndUnknownDatabaseArePermanent() {
    ObjectNode unknownRole = PostgresSourceFixture.config(server);
    unknownRole.put("username", "nobody");
    try (Source source = PostgresSourceFixture.source(unknownRole)) {
      SluiceException error = catchThrowableOfType(SluiceException.class, source::discover);
      assertThat(error.kind()).isEqualTo(ErrorKind.PERMANENT);
      assertThat(error.getMessage()).contains("as nobody: ");
    }
    ObjectNode unknownDatabase = PostgresSourceFixture.config(server);
    unknownDatabase.put("database", "no such db");
    try (Source source = PostgresSourceFixture.source(unknownDatabase)) {
      SluiceException error = catchThrowableOfType(SluiceException.class, source::discover);
      assertThat(error.kind()).isEqualTo(ErrorKind.PERMANENT);
      assertThat(error.getMessage())
          .startsWith("Cannot connect to postgres at 127.0.0.1:" + server.port() + "/no such db as postgres: ")
          .contains("database \"no such db\" does not exist");
    }
  }

  @Test
  void refusedConnectionIsTransientAndCheckReportsItWithoutThrowing() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    ObjectNode config = PostgresSourceFixture.config(server);
    config.put("port", closedPort);
    try (Source source = PostgresSourceFixture.source(config)) {
      SluiceException error = catchThrowableOfType(SluiceException.class, source::discover);
      assertThat(error.kind()).isEqualTo(ErrorKind.TRANSIENT);
      assertThat(error.getMessage()).startsWith("Cannot connect to postgres at 127.0.0.1:" + closedPort
          + "/postgres as postgres: ").contains("refused");

      CheckResult check = source.check();
      assertThat(check.passed()).isFalse();
      assertThat(check.probes()).singleElement().satisfies(probe -> {
        assertThat(probe.name()).isEqualTo("connect");
        assertThat(probe.message()).contains("refused", "Check host and port");
      });
    }
  }

  @Test
  void serverThatNeverAnswersTimesOutAsTransient() throws Exception {
    // The kernel completes the TCP handshake for the backlog, but nothing ever answers the startup message.
    try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      ObjectNode config = PostgresSourceFixture.config(server);
      config.put("port", silent.getLocalPort());
      config.put("connect_timeout_seconds", 1);
      long started = System.nanoTime();
      try (Source source = PostgresSourceFixture.source(config)) {
        SluiceException error = catchThrowableOfType(SluiceException.class, source::discover);
        assertThat(error.kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(error.getMessage()).startsWith("Cannot connect to postgres at 127.0.0.1:" + silent.getLocalPort());
      }
      assertThat((System.nanoTime() - started) / 1_000_000_000.0).isLessThan(10);
    }
  }

  @Test
  void unknownHostIsPermanent() {
    ObjectNode config = PostgresSourceFixture.config(server);
    config.put("host", "no-such-host.invalid");
    try (Source source = PostgresSourceFixture.source(config)) {
      SluiceException error = catchThrowableOfType(SluiceException.class, source::discover);
      assertThat(error.kind()).isEqualTo(ErrorKind.PERMANENT);
      assertThat(error.getMessage()).contains("no-such-host.invalid");
    }
  }
}
