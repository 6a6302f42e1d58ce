package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testkit.PostgresServer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees for a wrong password, an unreachable server or one that accepts the connection and never
 * answers: one line naming the problem, the documented exit code (after the connect timeout, not never), the
 * password nowhere in the output, and nothing written to the destination or state.
 */
class ConnectionErrorsIT {
  private static final String WRONG_PASSWORD = "Wr0ng-Pa55word-7c1e";
  private static PostgresServer server;

  @TempDir Path directory;

  @BeforeAll
  static void startServer() {
    server = PostgresServer.start();
    server.execute("CREATE TABLE public.t (id int PRIMARY KEY); INSERT INTO public.t VALUES (1)");
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private Path source(int port) throws Exception {
    return source(port, 3);
  }

  private Path source(int port, int connectTimeoutSeconds) throws Exception {
    return Files.writeString(directory.resolve("source.json"), """
        {"type": "postgres", "host": "127.0.0.1", "port": %d, "database": "postgres", "username": "postgres",
         "password": "${PG_PASSWORD}", "ssl_mode": "disable", "connect_timeout_seconds": %d}
        """.formatted(port, connectTimeoutSeconds));
  }

  @Test
  void wrongPasswordIsNamedWithoutShowingIt() throws Exception {
    Path source = source(server.port());
    Map<String, String> environment = Map.of("PG_PASSWORD", WRONG_PASSWORD);
    CliRun check = CliRun.of(environment, "check", "--source", source.toString());
    assertThat(check.exitCode()).as(check.all()).isEqualTo(3);
    assertThat(check.out()).contains("FAILED").contains("password authentication failed");
    assertThat(check.all()).doesNotContain(WRONG_PASSWORD);

    CliRun discover = CliRun.of(environment, "discover", "--source", source.toString());
    assertThat(discover.exitCode()).isEqualTo(1);
    assertThat(discover.err().lines().findFirst().orElse("")).startsWith("sluice: Cannot connect to postgres at 127.0.0.1:"
        + server.port() + "/postgres as postgres").contains("password authentication failed");
    assertThat(discover.all()).doesNotContain(WRONG_PASSWORD);
  }

  @Test
  void closedPortFailsCheckAndSyncWithoutTouchingDestinationOrState() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    Path source = source(closedPort);
    Map<String, String> environment = Map.of("PG_PASSWORD", PostgresServer.PASSWORD);
    CliRun check = CliRun.of(environment, "check", "--source", source.toString());
    assertThat(check.exitCode()).as(check.all()).isEqualTo(3);
    assertThat(check.out()).contains("FAILED").contains(String.valueOf(closedPort));

    Path warehouse = directory.resolve("warehouse");
    Path destination = Files.writeString(directory.resolve("destination.json"),
        "{\"type\": \"iceberg\", \"warehouse\": \"" + warehouse + "\"}");
    Path streams = Files.writeString(directory.resolve("streams.json"),
        "{\"streams\": [{\"namespace\": \"public\", \"name\": \"t\"}]}");
    Path state = directory.resolve("state.json");
    CliRun sync = CliRun.of(environment, "sync", "--source", source.toString(), "--destination",
        destination.toString(), "--streams", streams.toString(), "--state", state.toString());
    assertThat(sync.exitCode()).as(sync.all()).isEqualTo(1);
    assertThat(sync.err().lines().findFirst().orElse("")).startsWith("sluice: Cannot connect to postgres at 127.0.0.1:"
        + closedPort);
    assertThat(state).doesNotExist();
    assertThat(warehouse.resolve("public")).doesNotExist();
  }

  @Test
  void aServerThatAcceptsTheConnectionAndNeverAnswersTimesOutInsteadOfHanging() throws Exception {
    // The kernel completes the TCP handshake for the backlog; nobody ever reads or writes: a hung server, or a
    // firewall that swallows the traffic after the handshake.
    try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Path source = source(silent.getLocalPort(), 2);
      Map<String, String> environment = Map.of("PG_PASSWORD", PostgresServer.PASSWORD);

      long started = System.nanoTime();
      CliRun check = CliRun.of(environment, "check", "--source", source.toString());
      assertThat(check.exitCode()).as(check.all()).isEqualTo(3);
      assertThat(check.out()).contains("FAILED connect: Cannot connect to postgres at 127.0.0.1:"
          + silent.getLocalPort()).containsIgnoringCase("timed out").contains("connect_timeout_seconds = 2)")
          .doesNotContain("..");

      Path warehouse = directory.resolve("warehouse");
      Path destination = Files.writeString(directory.resolve("destination.json"),
          "{\"type\": \"iceberg\", \"warehouse\": \"" + warehouse + "\"}");
      Path streams = Files.writeString(directory.resolve("streams.json"),
          "{\"streams\": [{\"namespace\": \"public\", \"name\": \"t\"}]}");
      Path state = directory.resolve("state.json");
      CliRun sync = CliRun.of(environment, "sync", "--source", source.toString(), "--destination",
          destination.toString(), "--streams", streams.toString(), "--state", state.toString());
      long seconds = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);

      assertThat(sync.exitCode()).as(sync.all()).isEqualTo(1);
      java.util.List<String> lines = sync.err().lines().filter(line -> !line.isBlank()).toList();
      assertThat(lines).as(sync.all()).hasSize(1);
      assertThat(lines.get(0)).startsWith("sluice: Cannot connect to postgres at 127.0.0.1:" + silent.getLocalPort()
          + "/postgres as postgres: ").containsIgnoringCase("timed out")
          .endsWith("(no answer within connect_timeout_seconds = 2)");
      assertThat(seconds).as("two 2-second timeouts, not a hang").isLessThan(30);
      assertThat(state).doesNotExist();
      assertThat(warehouse).doesNotExist();
    }
  }
}
