package io.sluice.source.postgres;

import io.sluice.source.postgres.PgOutputMessage.Relation;
import io.sluice.source.postgres.PgOutputMessage.RelationColumn;
import io.sluice.source.postgres.PgOutputMessage.Tuple;
import io.sluice.source.postgres.PostgresBinaryDecoders.Anomalies;
import io.sluice.source.postgres.PostgresBinaryDecoders.ColumnReading;
import io.sluice.source.postgres.PostgresBinaryDecoders.ValueDecoder;
import io.sluice.spi.Column;
import io.sluice.spi.DataType;
import io.sluice.spi.StreamSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the tuples of one table's {@code Relation} message become a stream's rows: for each column of the
 * relation, its place among the stream's columns and its binary decoder (the one a snapshot read uses). Built
 * from the Relation message and the table's catalog entry; also says whether the relation's columns differ from
 * the stream's, which is a schema change.
 *
 * <p>A column whose snapshot reading needs a cast ({@code money}, types read through their text form) has no
 * decoder here: the log's binary value is not what a snapshot returns, so the value is read back by key instead
 * ({@link PostgresRowLookup}), as is an unchanged TOASTed value.
 */
final class PostgresRelationLayout {
  /** Marks a value to be read back by key. */
  static final Object UNRESOLVED = new Object();

  private final StreamSpec stream;
  private final int[] streamIndex;
  private final ValueDecoder[] decoders;
  private final boolean changed;

  private PostgresRelationLayout(StreamSpec stream, int[] streamIndex, ValueDecoder[] decoders, boolean changed) {
    this.stream = stream;
    this.streamIndex = streamIndex;
    this.decoders = decoders;
    this.changed = changed;
  }

  /**
   * The layout of {@code relation} for a stream whose columns are now {@code current}.
   *
   * @param catalog the table's columns as the catalog has them now, by name
   */
  static PostgresRelationLayout of(Relation relation, StreamSpec current,
      Map<String, PostgresCatalogQueries.Column> catalog, Anomalies anomalies) {
    List<Column> columns = new ArrayList<>(current.columns());
    boolean changed = false;
    int[] streamIndex = new int[relation.columns().size()];
    ValueDecoder[] decoders = new ValueDecoder[relation.columns().size()];
    for (int i = 0; i < relation.columns().size(); i++) {
      RelationColumn column = relation.columns().get(i);
      PostgresCatalogQueries.Column known = catalog.get(column.name());
      DataType mapped = known == null ? DataType.STRING : PostgresTypeMapping.dataType(known.type());
      int index = indexOf(columns, column.name());
      if (index < 0) {
        columns.add(new Column(column.name(), mapped, known == null || known.nullable(),
            known == null ? "unknown" : known.sourceType()));
        index = columns.size() - 1;
        changed = true;
      } else if (!columns.get(index).type().equals(mapped) && known != null
          && columns.get(index).type().kind() != DataType.Kind.STRING) {
        Column old = columns.get(index);
        columns.set(index, new Column(old.name(), mapped, known.nullable(), known.sourceType()));
        changed = true;
      }
      streamIndex[i] = index;
      decoders[i] = known == null ? null : decoder(known, columns.get(index).type(), anomalies);
    }
    StreamSpec evolved = changed ? new StreamSpec(current.source(), current.destination(), current.syncMode(),
        columns, current.primaryKey(), current.partitioning(), current.cursorField()) : current;
    return new PostgresRelationLayout(evolved, streamIndex, decoders, changed);
  }

  private static ValueDecoder decoder(PostgresCatalogQueries.Column column, DataType target, Anomalies anomalies) {
    try {
      ColumnReading reading = PostgresBinaryDecoders.forColumn(column.type(), target, anomalies);
      return reading.cast().isEmpty() ? reading.decoder() : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static int indexOf(List<Column> columns, String name) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** The stream with the relation's columns (the same stream when nothing changed). */
  StreamSpec stream() {
    return stream;
  }

  /** Whether the relation's columns differ from the stream's before this layout. */
  boolean changed() {
    return changed;
  }

  /**
   * The tuple's values in stream column order. Columns the relation lacks (dropped) are null; values the tuple
   * does not carry or that have no decoder are {@link #UNRESOLVED}.
   */
  Object[] values(Tuple tuple) {
    Object[] values = new Object[stream.columns().size()];
    int count = Math.min(tuple.size(), streamIndex.length);
    for (int i = 0; i < count; i++) {
      int target = streamIndex[i];
      byte kind = tuple.kinds()[i];
      if (kind == 'n') {
        values[target] = null;
      } else if (kind == 'b' && decoders[i] != null) {
        values[target] = decoders[i].decode(tuple.data(), tuple.offsets()[i], tuple.lengths()[i]);
      } else if (kind == 't' && stream.columns().get(target).type().kind() == DataType.Kind.STRING
          && decoders[i] != null) {
        values[target] = PostgresBinaryDecoders.text(tuple.data(), tuple.offsets()[i], tuple.lengths()[i]);
      } else {
        values[target] = UNRESOLVED;
      }
    }
    return values;
  }

  /** The key values of a row in stream order, or empty when one of them is missing or unresolved. */
  Optional<List<Object>> key(Object[] values) {
    List<Object> key = new ArrayList<>();
    for (String name : stream.primaryKey()) {
      int index = stream.columnIndex(name);
      Object value = index < 0 ? null : values[index];
      if (value == null || value == UNRESOLVED) {
        return Optional.empty();
      }
      key.add(value);
    }
    return Optional.of(key);
  }
}
