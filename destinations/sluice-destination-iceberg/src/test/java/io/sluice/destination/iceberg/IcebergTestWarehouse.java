package io.sluice.destination.iceberg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spi.ChangeEvent;
import io.sluice.spi.Column;
import io.sluice.spi.DataType;
import io.sluice.spi.Destination;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.StreamWriter;
import io.sluice.spi.SyncMode;
import io.sluice.spi.WriteMode;
import io.sluice.spi.WriteRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotChanges;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A warehouse in a temporary directory: a destination writing into it, and a separate catalog connection that
 * reads tables back the way another engine would. Either a {@code @RegisterExtension} field (a fresh directory
 * per test, removed afterwards) or built on a {@code @TempDir} and closed by the test.
 */
final class IcebergTestWarehouse implements AutoCloseable, BeforeEachCallback, AfterEachCallback {
  static final String NAMESPACE = "sales";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Path directory;
  private ObjectNode config;
  private final List<Destination> destinations = new ArrayList<>();
  private JdbcCatalog readCatalog;

  /** For {@code @RegisterExtension}: the directory is made before each test. */
  IcebergTestWarehouse() {}

  IcebergTestWarehouse(Path directory) {
    use(directory);
  }

  private void use(Path newDirectory) {
    this.directory = newDirectory;
    this.config = JSON.createObjectNode().put("warehouse", newDirectory.toString());
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    use(Files.createTempDirectory("sluice-iceberg-"));
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    close();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  /** Sets a top-level config key before the first destination opens. */
  IcebergTestWarehouse with(String key, Object value) {
    config.set(key, JSON.valueToTree(value));
    return this;
  }

  Path directory() {
    return directory;
  }

  JsonNode config() {
    return config;
  }

  /** A new destination on this warehouse, as a new process would create it. */
  Destination newDestination() {
    Destination destination = new IcebergDestinationFactory().create(config);
    destinations.add(destination);
    return destination;
  }

  StreamWriter open(StreamSpec stream, WriteMode mode, String loadId) {
    return newDestination().openStream(new WriteRequest(stream, mode, loadId));
  }

  /** Writes {@code rows} as inserts and commits them with {@code checkpoint}. */
  static void writeAndCommit(StreamWriter writer, List<Object[]> rows, String checkpoint) {
    for (Object[] row : rows) {
      writer.write(ChangeEvent.insert(row, 100));
    }
    writer.commit(checkpoint);
  }

  Table table(String name) {
    return readCatalog().loadTable(TableIdentifier.of(Namespace.of(NAMESPACE), name));
  }

  /** The rows of the table's main branch, read back with Iceberg's generic reader. */
  List<Record> rows(String name) {
    return rows(table(name), Optional.empty());
  }

  /**
   * The table's rows by id: the values of {@code columns}, asserting one row per id. The reader's records may
   * carry extra columns that deletes need ({@code _pos}): only the named ones are taken.
   */
  java.util.Map<Long, List<Object>> content(String table, String... columns) {
    java.util.Map<Long, List<Object>> rows = new java.util.HashMap<>();
    for (Record record : rows(table)) {
      List<Object> values = new java.util.ArrayList<>();
      for (String name : columns) {
        values.add(record.getField(name));
      }
      org.assertj.core.api.Assertions.assertThat(rows.put((Long) record.getField("id"), values))
          .as("a second row for id %s", record.getField("id")).isNull();
    }
    return rows;
  }

  /** The rows of one branch's head, or of main when {@code branch} is empty; none when it has no snapshot. */
  static List<Record> rows(Table table, Optional<String> branch) {
    Snapshot snapshot = branch.isPresent() ? table.snapshot(branch.get()) : table.currentSnapshot();
    if (snapshot == null) {
      return List.of();
    }
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).useSnapshot(snapshot.snapshotId()).build()) {
      records.forEach(record -> rows.add(record.copy()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  /** Every delete file a snapshot of the table added (on any branch still in its history). */
  static List<DeleteFile> deleteFiles(Table table) {
    List<DeleteFile> files = new ArrayList<>();
    for (Snapshot snapshot : table.snapshots()) {
      SnapshotChanges.builderFor(table).snapshot(snapshot).build().addedDeleteFiles().forEach(files::add);
    }
    return files;
  }

  /** Parquet files below the table's directory, committed or not. */
  List<Path> parquetFiles(String name) {
    Path tableDirectory = directory.resolve(NAMESPACE).resolve(name);
    if (!Files.exists(tableDirectory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(tableDirectory)) {
      return files.filter(file -> file.toString().endsWith(".parquet")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static StreamSpec stream(String table, List<Column> columns, List<String> key, List<String> partitioning) {
    return new StreamSpec(StreamId.of("public", table), StreamId.of(NAMESPACE, table), SyncMode.FULL_REFRESH,
        columns, key, partitioning, Optional.empty());
  }

  static Column column(String name, DataType type) {
    return new Column(name, type, true, type.toString());
  }

  /** A catalog connection of its own, as another engine reading the warehouse would have. */
  JdbcCatalog readCatalog() {
    if (readCatalog == null) {
      readCatalog = IcebergCatalogFactory.open(IcebergConfig.from(config));
    }
    return readCatalog;
  }

  @Override
  public void close() {
    destinations.forEach(Destination::close);
    destinations.clear();
    if (readCatalog != null) {
      readCatalog.close();
      readCatalog = null;
    }
  }
}
