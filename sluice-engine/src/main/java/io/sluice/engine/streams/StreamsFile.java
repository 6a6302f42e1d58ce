package io.sluice.engine.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.engine.config.Suggestions;
import io.sluice.spi.Catalog;
import io.sluice.spi.Column;
import io.sluice.spi.ConfigException;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import io.sluice.spi.StreamDescriptor;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.SyncMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The streams file: {@code discover} writes it from a {@link Catalog}; the user edits it (deselects streams,
 * picks modes, drops columns, adds partitioning, renames destinations); {@code sync} reads it back and checks
 * it against the source as it is now.
 *
 * <pre>{@code
 * {"streams": [{"namespace": "public", "name": "orders", "selected": true, "sync_mode": "full_refresh",
 *   "supported_sync_modes": ["full_refresh"], "primary_key": ["id"],
 *   "columns": [{"name": "id", "type": "long", "source_type": "bigint", "nullable": false}, ...],
 *   "partitioning": ["day(created_at)"], "destination": {"namespace": "public", "name": "orders"},
 *   "notes": ["..."]}]}
 * }</pre>
 *
 * <p>In {@code columns}, only {@code name} is read back; types always come from the live source, so a
 * stale file cannot make Sluice misread a value. A column may also be given as a bare string.
 */
public final class StreamsFile {
  private static final List<String> STREAM_KEYS = List.of("namespace", "name", "selected", "sync_mode",
      "supported_sync_modes", "primary_key", "columns", "partitioning", "cursor_field", "secondary_cursor_field", "page_size", "lookback_seconds",
      "poll_interval_seconds",
      "destination", "notes");
  private static final List<String> COLUMN_KEYS = List.of("name", "type", "source_type", "nullable");
  private static final List<String> DESTINATION_KEYS = List.of("namespace", "name");

  private StreamsFile() {}

  /** The streams file {@code discover} writes: every stream selected, in its default mode. */
  public static ObjectNode render(Catalog catalog) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ArrayNode streams = root.putArray("streams");
    for (StreamDescriptor descriptor : catalog.streams()) {
      ObjectNode stream = streams.addObject();
      stream.put("namespace", descriptor.id().namespace());
      stream.put("name", descriptor.id().name());
      stream.put("selected", true);
      stream.put("sync_mode", defaultMode(descriptor).jsonName());
      ArrayNode modes = stream.putArray("supported_sync_modes");
      for (SyncMode mode : SyncMode.values()) {
        if (descriptor.syncModes().contains(mode)) {
          modes.add(mode.jsonName());
        }
      }
      ArrayNode key = stream.putArray("primary_key");
      descriptor.primaryKey().forEach(key::add);
      ArrayNode columns = stream.putArray("columns");
      for (Column column : descriptor.columns()) {
        ObjectNode c = columns.addObject();
        c.put("name", column.name());
        c.put("type", column.type().toString());
        c.put("source_type", column.sourceType());
        c.put("nullable", column.nullable());
      }
      stream.putArray("partitioning");
      ObjectNode destination = stream.putObject("destination");
      destination.put("namespace", descriptor.id().namespace());
      destination.put("name", descriptor.id().name());
      ArrayNode notes = stream.putArray("notes");
      descriptor.notes().forEach(notes::add);
    }
    return root;
  }

  private static SyncMode defaultMode(StreamDescriptor descriptor) {
    return descriptor.syncModes().contains(SyncMode.FULL_REFRESH) || descriptor.syncModes().isEmpty()
        ? SyncMode.FULL_REFRESH : descriptor.syncModes().iterator().next();
  }

  /**
   * Reads the selected streams of a streams file, checked against the live catalog.
   *
   * @param origin the file name, for messages
   * @throws ConfigException naming the file, the stream's position and key, and what was expected
   * @throws SluiceException {@link ErrorKind#PERMANENT} when a selected stream is one the source lists as
   *     {@link Catalog#unreadable()}: the file is fine, the source refuses, and the message says what grants access
   */
  public static List<ConfiguredStream> resolve(JsonNode root, String origin, Catalog live) {
    requireKeys(root, List.of("streams"), "", origin);
    JsonNode streams = root.get("streams");
    if (streams == null || !streams.isArray()) {
      throw new ConfigException("streams", "Invalid " + origin + ": key 'streams' is "
          + (streams == null ? "missing" : "not an array") + ", expected an array of streams (the output of discover)");
    }
    List<ConfiguredStream> result = new ArrayList<>();
    Set<StreamId> seenSources = new HashSet<>();
    Set<String> seenDestinations = new HashSet<>();
    for (int i = 0; i < streams.size(); i++) {
      String at = "streams[" + i + "]";
      JsonNode entry = streams.get(i);
      if (!entry.isObject()) {
        throw new ConfigException(at, "Invalid " + origin + ": " + at + " is not an object, expected a stream");
      }
      requireKeys(entry, STREAM_KEYS, at + ".", origin);
      JsonNode selected = entry.get("selected");
      if (selected != null && !selected.isBoolean()) {
        throw new ConfigException(at + ".selected", "Invalid " + origin + ": key '" + at + ".selected' is "
            + selected + ", expected true or false");
      }
      if (selected != null && !selected.asBoolean()) {
        continue;
      }
      ConfiguredStream configured = resolveStream(entry, at, origin, live);
      StreamSpec spec = configured.spec();
      if (!seenSources.add(spec.source())) {
        throw new ConfigException(at, "Invalid " + origin + ": " + at + " names " + spec.source()
            + " a second time, expected each stream once");
      }
      String destinationKey = spec.destination().toString().toLowerCase(java.util.Locale.ROOT);
      if (!seenDestinations.add(destinationKey)) {
        throw new ConfigException(at + ".destination", "Invalid " + origin + ": " + at + " writes to "
            + spec.destination() + ", which another stream already writes to; expected distinct destination tables");
      }
      result.add(configured);
    }
    if (result.isEmpty()) {
      throw new ConfigException("streams", "Invalid " + origin + ": no stream is selected, expected at least one "
          + "stream with \"selected\": true");
    }
    return result;
  }

  private static ConfiguredStream resolveStream(JsonNode entry, String at, String origin, Catalog live) {
    String namespace = text(entry, "namespace", at, origin, true);
    String name = text(entry, "name", at, origin, true);
    StreamId id = StreamId.of(namespace, name);
    Optional<String> unreadable = Optional.ofNullable(live.unreadable().get(id));
    if (unreadable.isPresent() && live.find(id).isEmpty()) {
      // Not the file's fault: the source refuses (a privilege was revoked, or the file was written by another role).
      throw new SluiceException(ErrorKind.PERMANENT, "Cannot sync " + id + " (" + at + " of " + origin + "): "
          + unreadable.get() + ", or deselect the stream (\"selected\": false)");
    }
    StreamDescriptor descriptor = live.find(id).orElseThrow(() -> new ConfigException(at,
        "Invalid " + origin + ": " + at + " names table " + id + ", which does not exist in the source (or is not "
            + "readable)" + suggestTable(id, live) + "; run discover again or remove the stream"));
    SyncMode mode;
    String modeText = text(entry, "sync_mode", at, origin, false);
    try {
      mode = modeText == null ? SyncMode.FULL_REFRESH : SyncMode.fromJsonName(modeText);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(at + ".sync_mode", "Invalid " + origin + ": key '" + at + ".sync_mode' is '"
          + modeText + "', expected one of full_refresh, incremental, cdc, cdc_only");
    }
    if (!descriptor.syncModes().contains(mode)) {
      throw new ConfigException(at + ".sync_mode", "Invalid " + origin + ": key '" + at + ".sync_mode' is '"
          + mode.jsonName() + "', which " + id + " does not support; expected one of "
          + descriptor.syncModes().stream().map(SyncMode::jsonName).sorted().collect(Collectors.joining(", ")));
    }
    List<Column> columns = selectColumns(entry.get("columns"), descriptor, at, origin);
    refuseColumnsDifferingOnlyInCase(columns, id, at, origin);
    List<String> primaryKey = entry.has("primary_key")
        ? names(entry.get("primary_key"), at + ".primary_key", origin) : descriptor.primaryKey();
    for (String keyColumn : primaryKey) {
      if (columns.stream().noneMatch(c -> c.name().equals(keyColumn))) {
        throw new ConfigException(at + ".primary_key", "Invalid " + origin + ": key '" + at + ".primary_key' names "
            + "column '" + keyColumn + "', which is not among the stream's selected columns of " + id);
      }
    }
    List<String> partitioning = entry.has("partitioning")
        ? names(entry.get("partitioning"), at + ".partitioning", origin) : List.of();
    String cursor = text(entry, "cursor_field", at, origin, false);
    if (cursor != null && columns.stream().noneMatch(c -> c.name().equals(cursor))) {
      throw new ConfigException(at + ".cursor_field", "Invalid " + origin + ": key '" + at + ".cursor_field' names "
          + "column '" + cursor + "', which is not among the selected columns of " + id);
    }
    String secondary = text(entry, "secondary_cursor_field", at, origin, false);
    if (secondary != null && columns.stream().noneMatch(c -> c.name().equals(secondary))) {
      throw new ConfigException(at + ".secondary_cursor_field", "Invalid " + origin + ": key '" + at
          + ".secondary_cursor_field' names column '" + secondary + "', which is not among the selected columns of "
          + id);
    }
    StreamId destination = id;
    JsonNode destinationNode = entry.get("destination");
    if (destinationNode != null && !destinationNode.isNull()) {
      if (!destinationNode.isObject()) {
        throw new ConfigException(at + ".destination", "Invalid " + origin + ": key '" + at + ".destination' is "
            + destinationNode + ", expected an object {\"namespace\": ..., \"name\": ...}");
      }
      requireKeys(destinationNode, DESTINATION_KEYS, at + ".destination.", origin);
      String destinationNamespace = text(destinationNode, "namespace", at + ".destination", origin, false);
      String destinationName = text(destinationNode, "name", at + ".destination", origin, false);
      destination = StreamId.of(destinationNamespace == null ? namespace : destinationNamespace,
          destinationName == null ? name : destinationName);
    }
    StreamSpec spec = new StreamSpec(id, destination, mode, columns, primaryKey, partitioning,
        Optional.ofNullable(cursor), Optional.ofNullable(secondary));
    int pageSize = (int) integer(entry, "page_size", at, origin, ConfiguredStream.DEFAULT_PAGE_SIZE, 1, 1_000_000);
    long lookback = integer(entry, "lookback_seconds", at, origin, 0, 0, 366L * 24 * 3600);
    long pollInterval = integer(entry, "poll_interval_seconds", at, origin,
        ConfiguredStream.DEFAULT_POLL_INTERVAL_SECONDS, 1, 24 * 3600);
    if (mode == SyncMode.INCREMENTAL) {
      checkIncremental(spec, lookback, at, origin);
    }
    return new ConfiguredStream(spec, pageSize, lookback, pollInterval);
  }

  private static void checkIncremental(StreamSpec spec, long lookback, String at, String origin) {
    if (spec.cursorField().isEmpty()) {
      throw new ConfigException(at + ".cursor_field", "Invalid " + origin + ": " + at + " (" + spec.source()
          + ") syncs incrementally but has no 'cursor_field', expected the column that advances on every change, "
          + "e.g. \"cursor_field\": \"updated_at\"");
    }
    if (spec.primaryKey().isEmpty()) {
      throw new ConfigException(at + ".primary_key", "Invalid " + origin + ": " + at + " (" + spec.source()
          + ") syncs incrementally but has no primary key, expected 'primary_key' naming the columns that identify "
          + "a row (incremental rows are upserted by key)");
    }
    Column cursor = spec.columns().get(spec.columnIndex(spec.cursorField().get()));
    if (!io.sluice.engine.state.CursorCodec.usableAsCursor(cursor.type())) {
      throw new ConfigException(at + ".cursor_field", "Invalid " + origin + ": key '" + at + ".cursor_field' names "
          + "column '" + cursor.name() + "' of type " + cursor.type() + ", expected a timestamp, timestamp_tz, "
          + "date, integer, decimal or string column");
    }
    if (spec.secondaryCursorField().isPresent()) {
      Column secondary = spec.columns().get(spec.columnIndex(spec.secondaryCursorField().get()));
      if (secondary.name().equals(cursor.name()) || !secondary.type().equals(cursor.type())
          || !secondary.sourceType().equals(cursor.sourceType())) {
        throw new ConfigException(at + ".secondary_cursor_field", "Invalid " + origin + ": key '" + at
            + ".secondary_cursor_field' names column '" + secondary.name() + "' (" + secondary.sourceType()
            + "), expected another column of the cursor's type (" + cursor.sourceType() + "), whose value stands in "
            + "where '" + cursor.name() + "' is NULL");
      }
    }
    boolean temporal = switch (cursor.type().kind()) {
      case TIMESTAMP, TIMESTAMP_TZ, DATE -> true;
      default -> false;
    };
    if (lookback > 0 && !temporal) {
      throw new ConfigException(at + ".lookback_seconds", "Invalid " + origin + ": key '" + at
          + ".lookback_seconds' is " + lookback + " but cursor '" + cursor.name() + "' is " + cursor.type()
          + ", expected a look-back only with a timestamp or date cursor");
    }
  }

  private static long integer(JsonNode node, String field, String at, String origin, long defaultValue, long min,
      long max) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return defaultValue;
    }
    String key = at + "." + field;
    if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
      throw new ConfigException(key, "Invalid " + origin + ": key '" + key + "' is " + value + ", expected an integer "
          + "in " + min + ".." + max);
    }
    return value.asLong();
  }

  private static List<Column> selectColumns(JsonNode node, StreamDescriptor descriptor, String at, String origin) {
    if (node == null || node.isNull()) {
      return descriptor.columns();
    }
    String key = at + ".columns";
    if (!node.isArray() || node.isEmpty()) {
      throw new ConfigException(key, "Invalid " + origin + ": key '" + key + "' is " + node
          + ", expected a non-empty array of columns");
    }
    List<Column> selected = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int j = 0; j < node.size(); j++) {
      JsonNode item = node.get(j);
      String itemKey = key + "[" + j + "]";
      String columnName;
      if (item.isTextual()) {
        columnName = item.asText();
      } else if (item.isObject()) {
        requireKeys(item, COLUMN_KEYS, itemKey + ".", origin);
        columnName = text(item, "name", itemKey, origin, true);
      } else {
        throw new ConfigException(itemKey, "Invalid " + origin + ": " + itemKey + " is " + item
            + ", expected a column name or {\"name\": ...}");
      }
      Column column = descriptor.columns().stream().filter(c -> c.name().equals(columnName)).findFirst()
          .orElseThrow(() -> new ConfigException(itemKey, "Invalid " + origin + ": " + itemKey + " names column '"
              + columnName + "', which " + descriptor.id() + " does not have"
              + Suggestions.suggest(columnName, descriptor.columns().stream().map(Column::name).toList())
                  .map(s -> " (did you mean '" + s + "'?)").orElse("")
              + "; run discover again or remove it"));
      if (!seen.add(columnName)) {
        throw new ConfigException(itemKey, "Invalid " + origin + ": " + itemKey + " names column '" + columnName
            + "' a second time");
      }
      selected.add(column);
    }
    return selected;
  }

  /**
   * Refuses two selected columns whose names differ only in case ({@code Amount} and {@code amount}): a table
   * holding both is legal in Iceberg, but the engines that read it (Spark, Trino, Hive) resolve column names
   * case-insensitively, so one of them would be unreadable or ambiguous there. Checked before anything is written.
   */
  private static void refuseColumnsDifferingOnlyInCase(List<Column> columns, StreamId id, String at, String origin) {
    java.util.Map<String, String> byFoldedName = new java.util.HashMap<>();
    for (Column column : columns) {
      String other = byFoldedName.putIfAbsent(column.name().toLowerCase(java.util.Locale.ROOT), column.name());
      if (other != null) {
        throw new ConfigException(at + ".columns", "Invalid " + origin + ": " + at + " (" + id + ") selects columns '"
            + other + "' and '" + column.name() + "', whose names differ only in case, so they would collide in "
            + "the destination table (Spark, Trino and Hive resolve column names case-insensitively); deselect one "
            + "of them in '" + at + ".columns', or rename one in the source");
      }
    }
  }

  /**
   * A near miss: by name among the tables of the same namespace (so that a long shared schema name does not make
   * a dropped {@code shop.archive} look like a misspelt {@code shop.orders}), else by qualified name.
   */
  private static String suggestTable(StreamId id, Catalog live) {
    List<StreamId> sameNamespace = live.streams().stream().map(StreamDescriptor::id)
        .filter(other -> other.namespace().equals(id.namespace())).toList();
    Optional<String> suggestion = sameNamespace.isEmpty()
        ? Suggestions.suggest(id.toString(), live.streams().stream().map(s -> s.id().toString()).toList())
        : Suggestions.suggest(id.name(), sameNamespace.stream().map(StreamId::name).toList())
            .map(name -> StreamId.of(id.namespace(), name).toString());
    return suggestion.map(s -> " (did you mean '" + s + "'?)").orElse("");
  }

  private static List<String> names(JsonNode node, String key, String origin) {
    if (!node.isArray()) {
      throw new ConfigException(key, "Invalid " + origin + ": key '" + key + "' is " + node
          + ", expected an array of strings");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode item : node) {
      if (!item.isTextual()) {
        throw new ConfigException(key, "Invalid " + origin + ": key '" + key + "' holds " + item
            + ", expected an array of strings");
      }
      names.add(item.asText());
    }
    return names;
  }

  private static String text(JsonNode node, String field, String at, String origin, boolean required) {
    JsonNode value = node.get(field);
    String key = at + "." + field;
    if (value == null || value.isNull()) {
      if (required) {
        throw new ConfigException(key, "Invalid " + origin + ": key '" + key + "' is missing, expected a string");
      }
      return null;
    }
    if (!value.isTextual()) {
      throw new ConfigException(key, "Invalid " + origin + ": key '" + key + "' is " + value + ", expected a string");
    }
    return value.asText();
  }

  private static void requireKeys(JsonNode node, List<String> allowed, String prefix, String origin) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name)) {
        String hint = Suggestions.suggest(name, allowed).map(s -> " (did you mean '" + s + "'?)").orElse("");
        throw new ConfigException(prefix + name, "Invalid " + origin + ": key '" + prefix + name + "' is unknown"
            + hint + ", expected one of " + String.join(", ", allowed));
      }
    }
  }
}
