package io.sluice.source.postgres;

import io.sluice.source.postgres.PostgresCatalogQueries.Column;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import io.sluice.spi.StreamSpec;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads rows back by primary key, for values the change log does not carry: an unchanged TOASTed value
 * (pgoutput sends "unchanged" instead of it) and values of types whose snapshot reading needs a cast. The rows
 * are read as a snapshot reads them (binary COPY, the same decoders), so a value is the same whichever way it
 * came. They are the rows as they are now, which may be newer than the change being applied: any later change
 * follows in the log and is applied after it, so the table still converges on the source.
 */
final class PostgresRowLookup {
  private static final int KEYS_PER_QUERY = 500;

  private final PostgresConnections connections;

  PostgresRowLookup(PostgresConnections connections) {
    this.connections = connections;
  }

  /** The current rows of {@code keys} (values in {@code stream} column order), by key; absent keys are missing. */
  Map<List<Object>, Object[]> fetch(StreamSpec stream, List<List<Object>> keys) throws InterruptedException {
    Map<List<Object>, Object[]> rows = new HashMap<>();
    String what = "Cannot read rows of " + stream.source() + " back by key";
    int[] keyIndexes = stream.primaryKey().stream().mapToInt(stream::columnIndex).toArray();
    try (PostgresTableCopy copy = new PostgresTableCopy(connections, stream, what)) {
      copy.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      copy.lock();
      List<Column> keyColumns = new ArrayList<>();
      for (String name : stream.primaryKey()) {
        keyColumns.add(copy.column(name).orElseThrow(() -> new SluiceException(ErrorKind.PERMANENT, what
            + ": key column " + PostgresIdentifiers.quote(name) + " does not exist any more; resync the stream")));
      }
      String keyList = String.join(", ", stream.primaryKey().stream().map(PostgresIdentifiers::quote).toList());
      for (int from = 0; from < keys.size(); from += KEYS_PER_QUERY) {
        List<String> tuples = new ArrayList<>();
        for (List<Object> key : keys.subList(from, Math.min(keys.size(), from + KEYS_PER_QUERY))) {
          List<String> literals = new ArrayList<>();
          for (int i = 0; i < key.size(); i++) {
            literals.add(PostgresLiterals.typed(key.get(i), keyColumns.get(i).type(), keyColumns.get(i).sourceType()));
          }
          tuples.add("(" + String.join(", ", literals) + ")");
        }
        copy.copySelected(" WHERE (" + keyList + ") IN (" + String.join(", ", tuples) + ")", (row, size) -> {
          Object[] key = new Object[keyIndexes.length];
          for (int i = 0; i < keyIndexes.length; i++) {
            key[i] = row[keyIndexes[i]];
          }
          rows.put(Arrays.asList(key), row);
        });
      }
      copy.execute("COMMIT");
      return rows;
    } catch (SQLException e) {
      throw PostgresErrorClassifier.failure(what, e);
    } catch (IllegalArgumentException e) {
      throw new SluiceException(ErrorKind.INTERNAL, what + ": " + e.getMessage(), e);
    }
  }
}
