package io.sluice.destination.iceberg;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.spi.ConfigException;
import io.sluice.spi.config.ConfigField;
import io.sluice.spi.config.ConfigSpec;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The validated, immutable config of the Iceberg destination. {@link #spec()} is the raw layer (what the
 * engine validates and renders as JSON Schema); {@link #from(JsonNode)} maps a validated tree into this record.
 * Every default lives in the constants below and nowhere else.
 *
 * @param warehouse absolute local directory holding table data and, by default, the catalog database
 * @param catalog where table metadata pointers are kept
 * @param targetFileSizeBytes size at which a data file is closed and the next one opened
 * @param formatVersion Iceberg table format version for new tables
 * @param timeType how TIME columns are stored
 * @param softDeletes whether deleted rows of CDC tables stay, flagged {@code _sluice_deleted} ({@code delete_mode}
 *     soft), rather than being removed
 */
record IcebergConfig(
    Path warehouse, CatalogConfig catalog, long targetFileSizeBytes, int formatVersion, TimeType timeType,
    boolean softDeletes) {

  static final String DEFAULT_CATALOG_TYPE = "jdbc";
  static final String DEFAULT_CATALOG_NAME = "sluice";
  static final String DEFAULT_CATALOG_FILE = "catalog.db";
  static final long DEFAULT_TARGET_FILE_SIZE_BYTES = 128L * 1024 * 1024;
  static final long MIN_TARGET_FILE_SIZE_BYTES = 1024L * 1024;
  static final int DEFAULT_FORMAT_VERSION = 2;
  static final TimeType DEFAULT_TIME_TYPE = TimeType.STRING;
  static final String DELETE_MODE_HARD = "hard";
  static final String DELETE_MODE_SOFT = "soft";
  static final String DEFAULT_DELETE_MODE = DELETE_MODE_HARD;

  /** How a {@code TIME} column is stored: Spark cannot read Iceberg's {@code time}, so a string by default. */
  enum TimeType {
    /** {@code HH:MM:SS[.ffffff]} in a string column. */
    STRING,
    /** Iceberg's {@code time} type, for readers that support it (Trino, Flink). */
    TIME;

    String jsonName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The catalog connection. {@link #toString()} hides the password.
   *
   * @param type catalog implementation; only {@code jdbc} for now
   * @param uri JDBC URL of the catalog database
   * @param name catalog name, stored with every table entry
   * @param username database user, or null
   * @param password database password, or null
   */
  record CatalogConfig(String type, String uri, String name, String username, String password) {
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)[^&;\\s]*");

    CatalogConfig {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(uri, "uri");
      Objects.requireNonNull(name, "name");
    }

    /**
     * Hides the password, and any {@code password=} parameter of a URL, in {@code text}: for messages built from
     * driver errors, which may quote the URL.
     */
    String redact(String text) {
      if (text == null) {
        return null;
      }
      String redacted = PASSWORD_PARAMETER.matcher(text).replaceAll("$1****");
      return password == null || password.isEmpty() ? redacted : redacted.replace(password, "****");
    }

    @Override
    public String toString() {
      return "CatalogConfig[type=" + type + ", uri=" + uri + ", name=" + name + ", username=" + username
          + ", password=" + (password == null ? "null" : "****") + "]";
    }
  }

  IcebergConfig {
    Objects.requireNonNull(warehouse, "warehouse");
    Objects.requireNonNull(catalog, "catalog");
    Objects.requireNonNull(timeType, "timeType");
  }

  /** The keys of an Iceberg destination config. */
  static ConfigSpec spec() {
    return new ConfigSpec("Apache Iceberg destination", List.of(
        ConfigField.string("warehouse")
            .describe("Local directory that holds the tables' data and metadata; created when absent.")
            .markRequired(),
        ConfigField.object("catalog", List.of(
                ConfigField.string("type")
                    .describe("Catalog implementation.")
                    .oneOf("jdbc")
                    .defaultsTo(DEFAULT_CATALOG_TYPE),
                ConfigField.string("uri")
                    .describe("JDBC URL of the catalog database, e.g. jdbc:sqlite:/data/catalog.db or "
                        + "jdbc:postgresql://host/db; defaults to SQLite at <warehouse>/" + DEFAULT_CATALOG_FILE
                        + "."),
                ConfigField.string("name")
                    .describe("Catalog name recorded with every table.")
                    .defaultsTo(DEFAULT_CATALOG_NAME),
                ConfigField.string("username")
                    .describe("Catalog database user, for catalogs on a database server."),
                ConfigField.string("password")
                    .describe("Catalog database password.")
                    .markSecret()))
            .describe("Where table metadata is tracked; defaults to a SQLite database in the warehouse."),
        ConfigField.integer("target_file_size_bytes")
            .describe("Size at which a data file is closed and the next one started.")
            .range(MIN_TARGET_FILE_SIZE_BYTES, Long.MAX_VALUE)
            .defaultsTo(DEFAULT_TARGET_FILE_SIZE_BYTES),
        ConfigField.integer("format_version")
            .describe("Iceberg format version of new tables: 2 (equality deletes, widest engine support) or 3.")
            .range(2, 3)
            .defaultsTo(DEFAULT_FORMAT_VERSION),
        ConfigField.string("time_type")
            .describe("How TIME columns are stored: 'string' (HH:MM:SS[.ffffff], readable by Spark) or "
                + "'time' (Iceberg's time type, for Trino and Flink).")
            .oneOf("string", "time")
            .defaultsTo(DEFAULT_TIME_TYPE.jsonName()),
        ConfigField.string("delete_mode")
            .describe("What a delete in a cdc or cdc_only stream does: 'hard' removes the row (the table mirrors "
                + "the source); 'soft' keeps one row per deleted key with _sluice_deleted = true, _sluice_op = "
                + "'delete' and the values the delete carried (all columns with REPLICA IDENTITY FULL, else the key "
                + "and nulls). Other sync modes have no metadata columns and always delete hard.")
            .oneOf(DELETE_MODE_HARD, DELETE_MODE_SOFT)
            .defaultsTo(DEFAULT_DELETE_MODE)));
  }

  /**
   * Maps a config tree that passed validation against {@link #spec()}. Absent optional keys take the defaults
   * above, so this also accepts a tree whose defaults were not filled in (nested objects, tests).
   *
   * @throws ConfigException for problems the spec cannot express, naming the key
   */
  static IcebergConfig from(JsonNode config) {
    Path warehouse = warehousePath(text(config, "warehouse", null));
    JsonNode catalogNode = config.path("catalog");
    String uri = text(catalogNode, "uri", null);
    String username = text(catalogNode, "username", null);
    String password = text(catalogNode, "password", null);
    if (uri == null) {
      uri = "jdbc:sqlite:" + warehouse.resolve(DEFAULT_CATALOG_FILE);
    } else if (!uri.startsWith("jdbc:")) {
      throw new ConfigException("catalog.uri", "Cannot use catalog uri '" + withoutCredentials(uri)
          + "': expected a JDBC URL such as jdbc:sqlite:/data/catalog.db or jdbc:postgresql://host:5432/db");
    }
    if (password != null && username == null) {
      throw new ConfigException("catalog.password",
          "Cannot use catalog.password without catalog.username: expected both or neither");
    }
    CatalogConfig catalog = new CatalogConfig(
        text(catalogNode, "type", DEFAULT_CATALOG_TYPE),
        uri,
        text(catalogNode, "name", DEFAULT_CATALOG_NAME),
        username,
        password);
    long targetFileSize = config.path("target_file_size_bytes").asLong(DEFAULT_TARGET_FILE_SIZE_BYTES);
    int formatVersion = config.path("format_version").asInt(DEFAULT_FORMAT_VERSION);
    TimeType timeType = TimeType.valueOf(
        text(config, "time_type", DEFAULT_TIME_TYPE.jsonName()).toUpperCase(Locale.ROOT));
    boolean softDeletes = DELETE_MODE_SOFT.equals(text(config, "delete_mode", DEFAULT_DELETE_MODE));
    return new IcebergConfig(warehouse, catalog, targetFileSize, formatVersion, timeType, softDeletes);
  }

  /** The warehouse as Iceberg table locations spell it: {@code file:} and the literal absolute path. */
  String warehouseLocation() {
    return LocalFileIO.LOCATION_SCHEME + warehouse;
  }

  private static Path warehousePath(String text) {
    if (text == null || text.isBlank()) {
      throw new ConfigException("warehouse", "Cannot use an empty warehouse: expected a local directory path");
    }
    String path = text;
    if (path.startsWith(LocalFileIO.LOCATION_SCHEME)) {
      path = LocalFileIO.stripScheme(path);
    } else if (path.contains("://")) {
      throw new ConfigException("warehouse", "Cannot use warehouse '" + text
          + "': only local directories are supported; expected a path such as /data/warehouse");
    }
    try {
      Path resolved = Path.of(path);
      if (!resolved.isAbsolute()) {
        throw new ConfigException("warehouse", "Cannot use the destination: key 'warehouse' is '" + text
            + "', expected an absolute path such as /data/warehouse (a relative one would depend on the directory "
            + "Sluice runs in)");
      }
      return resolved.normalize();
    } catch (InvalidPathException e) {
      throw new ConfigException("warehouse", "Cannot use warehouse '" + text + "': " + e.getReason()
          + "; expected a local directory path");
    }
  }

  /** A JDBC URL for messages: without user info and query parameters, where passwords tend to hide. */
  static String withoutCredentials(String uri) {
    String shown = uri;
    int query = shown.indexOf('?');
    if (query >= 0) {
      shown = shown.substring(0, query) + "?...";
    }
    int at = shown.indexOf('@');
    int authority = shown.indexOf("//");
    if (at >= 0 && authority >= 0 && authority < at) {
      shown = shown.substring(0, authority + 2) + "..." + shown.substring(at);
    }
    return shown;
  }

  private static String text(JsonNode node, String key, String fallback) {
    JsonNode value = node.path(key);
    return value.isMissingNode() || value.isNull() ? fallback : value.asText();
  }
}
