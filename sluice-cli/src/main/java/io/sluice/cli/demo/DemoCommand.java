package io.sluice.cli.demo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.cli.DemoSupport;
import io.sluice.cli.Environment;
import io.sluice.cli.ExitCode;
import io.sluice.engine.config.JsonFiles;
import io.sluice.engine.progress.ProgressReporter;
import io.sluice.engine.sync.StreamResult;
import io.sluice.engine.sync.SyncOptions;
import io.sluice.engine.sync.SyncReport;
import io.sluice.spi.ConfigException;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import io.sluice.testkit.PostgresServer;
import io.sluice.testkit.SampleDataset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice demo}: the whole product on one machine with no setup. Starts an embedded PostgreSQL, fills a
 * sample schema that uses every supported type, then runs exactly what a user runs ({@code discover}, then
 * {@code sync} with files on disk) into a local Iceberg warehouse, and shows how to query the result.
 */
@Command(name = "demo", description = "Run a full load from an embedded PostgreSQL into a local Iceberg "
    + "warehouse (./demo-warehouse), with no setup.")
public final class DemoCommand implements Callable<Integer> {
  private final Environment environment;

  @Option(names = "--rows", description = "Rows in demo.trips, the largest table (default: ${DEFAULT-VALUE}).")
  long rows = 1_000_000;

  @Option(names = "--warehouse", description = "Iceberg warehouse directory (default: ${DEFAULT-VALUE}).")
  Path warehouse = Path.of("demo-warehouse");

  public DemoCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws Exception {
    if (rows < 1 || rows > 1_000_000_000L) {
      throw new ConfigException("--rows", "Invalid option --rows: " + rows + ", expected 1..1000000000");
    }
    var out = environment.out();
    Path root = warehouse.toAbsolutePath().normalize();
    Path files = root.resolve("sluice-demo");
    Files.createDirectories(files);
    long started = System.nanoTime();
    out.println("Starting an embedded PostgreSQL on 127.0.0.1 ...");
    try (PostgresServer server = PostgresServer.start()) {
      out.printf(Locale.ROOT, "PostgreSQL is listening on port %d (%s)%n", server.port(),
          ProgressReporter.duration(seconds(started)));
      long generating = System.nanoTime();
      out.printf(Locale.ROOT, "Creating schema demo and generating %,d trips, %,d customers, %,d events ...%n",
          rows, SampleDataset.CUSTOMER_ROWS, SampleDataset.EVENT_ROWS);
      SampleDataset.create(server, rows);
      out.printf(Locale.ROOT, "Sample data ready (%s)%n", ProgressReporter.duration(seconds(generating)));

      Path source = write(files.resolve("source.json"), sourceConfig(server));
      Path destination = write(files.resolve("destination.json"), destinationConfig(root));
      Path streams = files.resolve("streams.json");
      Path state = files.resolve("state.json");
      out.println("Discovering streams -> " + streams);
      DemoSupport.discover(environment, source, streams);
      out.println("Syncing into the Iceberg warehouse " + root + " ...");
      SyncReport report = DemoSupport.sync(environment, source, destination, streams, state, SyncOptions.DEFAULTS);
      out.println();
      out.println("Rows in the source vs rows committed to Iceberg by this sync:");
      boolean allEqual = true;
      for (StreamResult result : report.streams()) {
        long sourceRows = count(server, result.stream().namespace(), result.stream().name());
        boolean equal = result.succeeded() && sourceRows == result.rows();
        allEqual &= equal;
        out.printf(Locale.ROOT, "  %-16s source %,12d   committed %,12d   %s%n", result.stream(), sourceRows,
            result.rows(), equal ? "equal" : "DIFFERENT");
      }
      out.println();
      printHowToQuery(root, source, destination, streams, state);
      out.printf(Locale.ROOT, "Demo finished in %s.%n", ProgressReporter.duration(seconds(started)));
      return report.succeeded() && allEqual ? ExitCode.OK.code() : ExitCode.SYNC_FAILED.code();
    }
  }

  private static ObjectNode sourceConfig(PostgresServer server) {
    ObjectNode config = JsonNodeFactory.instance.objectNode();
    config.put("type", "postgres");
    config.put("host", server.host());
    config.put("port", server.port());
    config.put("database", PostgresServer.DATABASE);
    config.put("username", PostgresServer.USER);
    config.put("password", PostgresServer.PASSWORD);
    config.putArray("schemas").add(SampleDataset.SCHEMA);
    config.put("max_threads", 2);
    config.put("ssl_mode", "disable");
    return config;
  }

  private static ObjectNode destinationConfig(Path root) {
    ObjectNode config = JsonNodeFactory.instance.objectNode();
    config.put("type", "iceberg");
    config.put("warehouse", root.toString());
    return config;
  }

  private static Path write(Path file, ObjectNode config) throws IOException {
    Files.writeString(file, JsonFiles.toText(config), StandardCharsets.UTF_8);
    return file;
  }

  private static long count(PostgresServer server, String schema, String table) {
    try (Connection connection = server.connect(PostgresServer.DATABASE);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT count(*) FROM \"" + schema.replace("\"", "\"\"") + "\".\""
            + table.replace("\"", "\"\"") + "\"")) {
      result.next();
      return result.getLong(1);
    } catch (SQLException e) {
      throw new SluiceException(ErrorKind.PERMANENT, "Cannot count rows of " + schema + "." + table + ": "
          + e.getMessage(), e);
    }
  }

  private void printHowToQuery(Path root, Path source, Path destination, Path streams, Path state) {
    var out = environment.out();
    out.println("The Iceberg tables are in " + root + " (JDBC catalog 'sluice' on SQLite: "
        + root.resolve("catalog.db") + ").");
    out.println("Query them with Spark SQL:");
    out.println("  spark-sql --packages org.apache.iceberg:iceberg-spark-runtime-4.1_2.13:1.12.0,"
        + "org.xerial:sqlite-jdbc:3.50.3.0 \\");
    out.println("    --conf spark.sql.catalog.sluice=org.apache.iceberg.spark.SparkCatalog \\");
    out.println("    --conf spark.sql.catalog.sluice.type=jdbc \\");
    out.println("    --conf spark.sql.catalog.sluice.uri=jdbc:sqlite:" + root.resolve("catalog.db") + " \\");
    out.println("    --conf spark.sql.catalog.sluice.warehouse=" + root + " \\");
    out.println("    -e 'SELECT payment, count(*), sum(fare) FROM sluice.demo.trips GROUP BY payment'");
    out.println("or with PyIceberg:");
    out.println("  SqlCatalog('sluice', uri='sqlite:///" + root.resolve("catalog.db") + "', warehouse='file://"
        + root + "').load_table('demo.trips').scan().to_arrow()");
    out.println("The files this demo ran with are in " + source.getParent() + " (" + source.getFileName() + ", "
        + destination.getFileName() + ", " + streams.getFileName() + ", " + state.getFileName()
        + "); the embedded server stops when the demo ends.");
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
