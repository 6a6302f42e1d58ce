package io.sluice.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.jdbc.JdbcCatalog;

/** Reads Iceberg tables back the way an outside reader would: through the catalog, not through Sluice. */
public final class IcebergReadBack implements AutoCloseable {
  private final JdbcCatalog catalog = new JdbcCatalog();

  /** Opens the embedded default catalog of a warehouse: SQLite at {@code <warehouse>/catalog.db}, named sluice. */
  public IcebergReadBack(Path warehouse) {
    catalog.initialize("sluice", Map.of(
        "uri", "jdbc:sqlite:" + warehouse.resolve("catalog.db"),
        "warehouse", warehouse.toString(),
        "jdbc.schema-version", "V1",
        "io-impl", LocalDiskFileIO.class.getName()));
  }

  public Table table(String namespace, String name) {
    return catalog.loadTable(TableIdentifier.of(namespace, name));
  }

  public List<Record> rows(String namespace, String name) {
    Table table = table(namespace, name);
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record record : records) {
        rows.add(record.copy());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  @Override
  public void close() throws IOException {
    catalog.close();
  }
}
