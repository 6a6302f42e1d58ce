package io.sluice.destination.iceberg;

import io.sluice.destination.iceberg.IcebergConfig.CatalogConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.jdbc.JdbcCatalog;

/** Opens the JDBC catalog a config describes, with the warehouse on {@link LocalFileIO}. */
final class IcebergCatalogFactory {
  private IcebergCatalogFactory() {}

  /**
   * Creates the warehouse directory when absent, then connects and creates the catalog tables when absent.
   * The caller closes the catalog.
   *
   * @throws UncheckedIOException when the warehouse cannot be created
   * @throws RuntimeException as Iceberg and the JDBC driver throw it when the catalog cannot be opened;
   *     its message may quote the URL, so pass it through {@link CatalogConfig#redact}
   */
  static JdbcCatalog open(IcebergConfig config) {
    try {
      Files.createDirectories(config.warehouse());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create warehouse " + config.warehouse() + ": " + reason(e), e);
    }
    CatalogConfig catalog = config.catalog();
    Map<String, String> properties = new HashMap<>();
    properties.put(CatalogProperties.URI, catalog.uri());
    properties.put(CatalogProperties.WAREHOUSE_LOCATION, config.warehouseLocation());
    // V1 tracks views too; V0 makes Iceberg log a warning on every start.
    properties.put(JdbcCatalog.PROPERTY_PREFIX + "schema-version", "V1");
    if (catalog.username() != null) {
      properties.put(JdbcCatalog.PROPERTY_PREFIX + "user", catalog.username());
    }
    if (catalog.password() != null) {
      properties.put(JdbcCatalog.PROPERTY_PREFIX + "password", catalog.password());
    }
    if (catalog.uri().startsWith("jdbc:sqlite:")) {
      // Streams commit concurrently and SQLite admits one writer at a time: wait for the lock rather than
      // fail a commit after SQLite's default of 3 s, and use the write-ahead log, where readers (table loads)
      // do not block the writer.
      properties.put(JdbcCatalog.PROPERTY_PREFIX + "busy_timeout", "60000");
      properties.put(JdbcCatalog.PROPERTY_PREFIX + "journal_mode", "WAL");
    }
    JdbcCatalog jdbcCatalog = new JdbcCatalog(ignored -> new LocalFileIO(), null, true);
    jdbcCatalog.initialize(catalog.name(), properties);
    return jdbcCatalog;
  }

  /** What went wrong with a file operation, for a message that already names the path. */
  static String reason(Exception failure) {
    if (failure instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (failure instanceof FileSystemException fileSystem && fileSystem.getReason() != null) {
      return fileSystem.getReason() + (fileSystem.getFile() == null ? "" : " (" + fileSystem.getFile() + ")");
    }
    return failure.toString();
  }
}
