package io.sluice.destination.iceberg;

import io.sluice.destination.iceberg.PartitionSpecParser.PartitionTerm;
import io.sluice.spi.Column;
import io.sluice.spi.ConfigException;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import io.sluice.spi.StreamSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.UpdatePartitionSpec;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the destination table fit a stream: creates the namespace and table, or evolves an existing table.
 *
 * <p>New tables: columns in stream order, key columns required and the table's identifier fields, the
 * stream's partitioning, Parquet with ZSTD. Other columns are optional even when the source says NOT NULL, so
 * that a source relaxing a constraint never blocks a sync.
 *
 * <p>Existing tables: missing columns are added (optional, after the existing ones, whatever their position in
 * the stream: the record mapper places values by name), types widen where Iceberg allows (int to long, float to
 * double, a larger decimal precision), a required non-key column the stream now declares nullable becomes
 * optional, and the partition spec is changed to the configured one (files already written keep their layout;
 * Iceberg plans across specs). Anything else is a {@link ErrorKind#CONFIG} error naming table, column, old and
 * new type, as is a new column whose name differs only in case from one the table has. Columns the stream no
 * longer selects stay in the table and are written as null.
 *
 * <p>A change of the stream's columns while it streams ({@link #follow}) is stricter: a column whose type changed
 * must end up with exactly the new type, since the change says what the source now holds.
 */
final class IcebergTableProvisioner {
  private static final Logger LOG = LoggerFactory.getLogger(IcebergTableProvisioner.class);

  private final Catalog catalog;
  private final SupportsNamespaces namespaces;
  private final IcebergConfig config;
  private final IcebergTypeMapping typeMapping;

  IcebergTableProvisioner(Catalog catalog, SupportsNamespaces namespaces, IcebergConfig config) {
    this.catalog = catalog;
    this.namespaces = namespaces;
    this.config = config;
    this.typeMapping = new IcebergTypeMapping(config.timeType());
  }

  /** The identifier of the stream's destination table: one namespace level, names taken exactly. */
  static TableIdentifier identifier(StreamSpec stream) {
    String namespace = stream.destination().namespace();
    return TableIdentifier.of(namespace.isEmpty() ? Namespace.empty() : Namespace.of(namespace),
        stream.destination().name());
  }

  /**
   * Evolves the table of a streaming {@code previous} to the stream's new columns ({@code next}), as
   * {@link io.sluice.spi.StreamWriter#evolve} asks; then as {@link #prepare}. Idempotent: a change the table
   * already has (replayed after a crash) changes nothing.
   *
   * @throws SluiceException {@link ErrorKind#PERMANENT} when a column's type changed in a way Iceberg cannot
   *     follow (not a promotion of the stored type), naming column, table, both types and the resync option
   */
  Table follow(StreamSpec previous, StreamSpec next) {
    TableIdentifier id = identifier(next);
    if (catalog.tableExists(id)) {
      refuseUnfollowableTypeChanges(catalog.loadTable(id).schema(), previous, next, id.toString());
    }
    return prepare(next);
  }

  private void refuseUnfollowableTypeChanges(Schema current, StreamSpec previous, StreamSpec next, String tableName) {
    AtomicInteger ids = new AtomicInteger(current.highestFieldId());
    for (Column column : next.columns()) {
      int before = previous.columnIndex(column.name());
      Types.NestedField field = current.asStruct().field(column.name());
      if (before < 0 || field == null || previous.columns().get(before).type().equals(column.type())) {
        continue;
      }
      Type wanted = typeMapping.icebergType(column.type(), ids::incrementAndGet);
      if (!sameType(field.type(), wanted) && !canPromote(field.type(), wanted)) {
        throw new SluiceException(ErrorKind.PERMANENT, "Cannot follow the type change of column " + column.name()
            + " of " + tableName + " from " + previous.columns().get(before).type() + " to " + column.type()
            + ": Iceberg cannot convert stored values; resync the stream with --resync " + next.source());
      }
    }
  }

  /** Creates or evolves the table for {@code stream} and returns it, loaded after every change. */
  Table prepare(StreamSpec stream) {
    TableIdentifier id = identifier(stream);
    checkKeyColumns(stream, id);
    createNamespaceIfAbsent(id.namespace());
    if (!catalog.tableExists(id)) {
      try {
        return create(stream, id);
      } catch (AlreadyExistsException e) {
        LOG.debug("Table {} was created concurrently; evolving it instead", id);
      }
    }
    Table table = catalog.loadTable(id);
    evolveSchema(table, stream, id.toString());
    evolvePartitionSpec(table, stream, id.toString());
    return table;
  }

  private void createNamespaceIfAbsent(Namespace namespace) {
    if (namespace.isEmpty() || namespaces.namespaceExists(namespace)) {
      return;
    }
    try {
      namespaces.createNamespace(namespace);
    } catch (RuntimeException e) {
      // Another stream of the namespace may have created it first; the JDBC catalog then reports a key
      // violation rather than AlreadyExistsException.
      if (!namespaces.namespaceExists(namespace)) {
        throw e;
      }
    }
  }

  private Table create(StreamSpec stream, TableIdentifier id) {
    AtomicInteger ids = new AtomicInteger();
    List<Types.NestedField> fields = new ArrayList<>();
    Set<Integer> identifierIds = new HashSet<>();
    boolean keyIsIdentifier = !stream.primaryKey().isEmpty();
    for (Column column : stream.columns()) {
      int fieldId = ids.incrementAndGet();
      Type type = typeMapping.icebergType(column.type(), ids::incrementAndGet);
      if (stream.primaryKey().contains(column.name())) {
        fields.add(Types.NestedField.required(fieldId, column.name(), type));
        identifierIds.add(fieldId);
        keyIsIdentifier &= canBeIdentifier(type);
      } else {
        fields.add(Types.NestedField.optional(fieldId, column.name(), type));
      }
    }
    if (!keyIsIdentifier && !stream.primaryKey().isEmpty()) {
      LOG.warn("Table {} gets no identifier fields: key {} has a float, double or list column, which Iceberg "
          + "does not accept as an identifier", id, stream.primaryKey());
    }
    Schema schema = keyIsIdentifier ? new Schema(fields, identifierIds) : new Schema(fields);
    PartitionSpec spec = PartitionSpecParser.parse(stream.partitioning(), schema, id.toString());
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put(TableProperties.FORMAT_VERSION, Integer.toString(config.formatVersion()));
    properties.put(TableProperties.PARQUET_COMPRESSION, "zstd");
    properties.put(TableProperties.WRITE_TARGET_FILE_SIZE_BYTES, Long.toString(config.targetFileSizeBytes()));
    // Frequent commits (CDC) would otherwise pile up one metadata.json per commit forever.
    properties.put(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true");
    Table table = catalog.buildTable(id, schema).withPartitionSpec(spec).withProperties(properties).create();
    LOG.info("Created table {} with {} columns, partitioned by {}", id, fields.size(),
        spec.isUnpartitioned() ? "nothing" : stream.partitioning());
    return table;
  }

  private static boolean canBeIdentifier(Type type) {
    return type.isPrimitiveType() && type.typeId() != Type.TypeID.FLOAT && type.typeId() != Type.TypeID.DOUBLE;
  }

  private void evolveSchema(Table table, StreamSpec stream, String tableName) {
    Schema current = table.schema();
    UpdateSchema update = table.updateSchema();
    List<String> changes = new ArrayList<>();
    AtomicInteger ids = new AtomicInteger(current.highestFieldId());
    for (Column column : stream.columns()) {
      Types.NestedField field = current.asStruct().field(column.name());
      Type wanted = typeMapping.icebergType(column.type(), ids::incrementAndGet);
      if (field == null) {
        refuseCaseCollision(current, column, tableName);
        update.addColumn(null, column.name(), wanted);
        changes.add("added " + column.name() + " " + wanted);
      } else if (!sameType(field.type(), wanted)) {
        String widened = widen(update, column.name(), field.type(), wanted);
        if (widened != null) {
          changes.add(widened);
        } else if (IcebergValueConverters.converter(column.type(), field.type()).isEmpty()) {
          throw new SluiceException(ErrorKind.CONFIG, "Cannot write column '" + column.name() + "' to table "
              + tableName + ": the table has type " + field.type() + " and the stream now has " + column.type()
              + " (source type " + column.sourceType() + "), which needs " + wanted
              + "; Iceberg only widens int to long, float to double and decimal precision. Deselect the column in "
              + "the streams file (the table keeps it, null from then on), rename it, drop it from the table or "
              + "recreate the table");
        }
      }
      if (field != null && field.isRequired() && column.nullable() && !stream.primaryKey().contains(column.name())) {
        update.makeColumnOptional(column.name());
        changes.add("made " + column.name() + " optional");
      }
    }
    boolean identifierChanged = identifierUpdate(update, current, stream, tableName, changes);
    if (!changes.isEmpty() || identifierChanged) {
      update.commit();
      LOG.info("Evolved the schema of table {}: {}", tableName, String.join(", ", changes));
    }
  }

  /**
   * Refuses to add a column whose name differs only in case from one the table has (the source renamed
   * {@code amount} to {@code Amount}, or dropped one and added the other): Iceberg would hold both, but Spark,
   * Trino and Hive resolve names case-insensitively and could no longer read the table (Iceberg's own
   * case-insensitive lookup fails on it: "Cannot build lower case index"). Whether the two are the same column is
   * not for Sluice to guess.
   */
  private static void refuseCaseCollision(Schema current, Column column, String tableName) {
    // Not Schema.caseInsensitiveFindField: its index fails outright on a table that already has such a pair.
    String folded = column.name().toLowerCase(java.util.Locale.ROOT);
    for (Types.NestedField existing : current.columns()) {
      if (!existing.name().toLowerCase(java.util.Locale.ROOT).equals(folded)) {
        continue;
      }
      throw new SluiceException(ErrorKind.CONFIG, "Cannot add column '" + column.name() + "' to table " + tableName
          + ": the table has column '" + existing.name() + "', whose name differs only in case, and Spark, Trino "
          + "and Hive resolve column names case-insensitively; if it is the same column, rename the table's column "
          + "to '" + column.name() + "' (Iceberg: updateSchema().renameColumn), else deselect '" + column.name()
          + "' in the streams file or recreate the table");
    }
  }

  /** Widens a column, or its list element, where Iceberg allows it; returns what changed, or null. */
  private static String widen(UpdateSchema update, String name, Type current, Type wanted) {
    if (!canPromote(current, wanted)) {
      return null;
    }
    if (current.isPrimitiveType()) {
      update.updateColumn(name, wanted.asPrimitiveType());
      return "widened " + name + " from " + current + " to " + wanted;
    }
    Type wantedElement = wanted.asListType().elementType();
    update.updateColumn(name + "." + current.asListType().fields().get(0).name(), wantedElement.asPrimitiveType());
    return "widened " + name + " from " + current + " to list<" + wantedElement + ">";
  }

  /**
   * Whether Iceberg can change a column of type {@code current} to {@code wanted} in place, reading stored values
   * as the new type: a promotion (int to long, float to double, a larger decimal precision), also of a list's
   * primitive element.
   */
  private static boolean canPromote(Type current, Type wanted) {
    if (current.isPrimitiveType() && wanted.isPrimitiveType()) {
      return TypeUtil.isPromotionAllowed(current, wanted.asPrimitiveType());
    }
    if (current.isListType() && wanted.isListType()) {
      Type currentElement = current.asListType().elementType();
      Type wantedElement = wanted.asListType().elementType();
      return currentElement.isPrimitiveType() && wantedElement.isPrimitiveType()
          && TypeUtil.isPromotionAllowed(currentElement, wantedElement.asPrimitiveType());
    }
    return false;
  }

  /** Types equal up to field ids, which differ between a stored list type and a freshly mapped one. */
  private static boolean sameType(Type current, Type wanted) {
    if (current.isListType() && wanted.isListType()) {
      return sameType(current.asListType().elementType(), wanted.asListType().elementType());
    }
    return current.equals(wanted);
  }

  private static boolean identifierUpdate(
      UpdateSchema update, Schema current, StreamSpec stream, String tableName, List<String> changes) {
    Set<String> key = Set.copyOf(stream.primaryKey());
    if (key.isEmpty() || key.equals(current.identifierFieldNames())) {
      return false;
    }
    for (String name : key) {
      Types.NestedField field = current.asStruct().field(name);
      if (field == null || !field.isRequired() || !canBeIdentifier(field.type())) {
        LOG.warn("Table {} keeps identifier fields {}: key column '{}' is not a required column of a type "
            + "Iceberg accepts as an identifier", tableName, current.identifierFieldNames(), name);
        return false;
      }
    }
    update.setIdentifierFields(key);
    changes.add("identifier fields " + current.identifierFieldNames() + " -> " + key);
    return true;
  }

  private void evolvePartitionSpec(Table table, StreamSpec stream, String tableName) {
    List<PartitionTerm> terms = PartitionSpecParser.parseTerms(stream.partitioning(), table.schema(), tableName);
    PartitionSpec wanted = PartitionSpecParser.toSpec(terms, table.schema(), tableName);
    PartitionSpec current = table.spec();
    Set<String> currentKeys = fieldKeys(current);
    Set<String> wantedKeys = fieldKeys(wanted);
    if (currentKeys.equals(wantedKeys)) {
      return;
    }
    UpdatePartitionSpec update = table.updateSpec();
    for (PartitionField field : current.fields()) {
      if (!field.transform().isVoid() && !wantedKeys.contains(fieldKey(field))) {
        update.removeField(field.name());
      }
    }
    for (int i = 0; i < terms.size(); i++) {
      if (!currentKeys.contains(fieldKey(wanted.fields().get(i)))) {
        update.addField(terms.get(i).expression());
      }
    }
    update.commit();
    LOG.info("Changed the partitioning of table {} from {} to {}; files already written keep the old layout",
        tableName, current.fields(), stream.partitioning());
  }

  private static Set<String> fieldKeys(PartitionSpec spec) {
    return spec.fields().stream()
        .filter(field -> !field.transform().isVoid())
        .map(IcebergTableProvisioner::fieldKey)
        .collect(Collectors.toSet());
  }

  private static String fieldKey(PartitionField field) {
    return field.sourceId() + ":" + field.transform();
  }

  private static void checkKeyColumns(StreamSpec stream, TableIdentifier id) {
    for (String key : stream.primaryKey()) {
      if (stream.columnIndex(key) < 0) {
        throw new ConfigException("primary_key", "Cannot use key column '" + key + "' for table " + id
            + ": it is not among the stream's selected columns");
      }
    }
  }
}
