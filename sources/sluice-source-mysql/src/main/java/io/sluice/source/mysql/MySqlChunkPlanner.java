package io.sluice.source.mysql;

import io.sluice.spi.DataType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts a table into key ranges of about {@code chunkSizeRows} rows, by its first primary key column, with plain
 * reads (no locks): integer keys by splitting [min, max] evenly, other keys by walking the key index to every
 * chunk's first value. A table without a key, or smaller than one chunk, is one chunk.
 */
final class MySqlChunkPlanner {
  private static final Logger LOG = LoggerFactory.getLogger(MySqlChunkPlanner.class);

  private final int chunkSizeRows;
  private final int maxThreads;

  MySqlChunkPlanner(int chunkSizeRows, int maxThreads) {
    this.chunkSizeRows = chunkSizeRows;
    this.maxThreads = maxThreads;
  }

  List<MySqlChunk> plan(Connection connection, MySqlTable table) throws SQLException {
    if (table.primaryKey().isEmpty()) {
      LOG.warn("{} has no primary key: it is read in one chunk by one reader", table.id());
      return List.of(MySqlChunk.wholeTable());
    }
    long rows = Math.max(table.estimatedRows(), 0);
    if (rows <= chunkSizeRows) {
      return List.of(MySqlChunk.wholeTable());
    }
    // At least two chunks per reader, rounded up to a multiple of the readers, so no reader idles at the end.
    long wanted = Math.max((rows + chunkSizeRows - 1) / chunkSizeRows, 2L * maxThreads);
    int count = (int) Math.min(((wanted + maxThreads - 1) / maxThreads) * maxThreads, 10_000);
    MySqlColumn key = table.column(table.primaryKey().get(0)).orElseThrow();
    DataType.Kind kind = key.type().kind();
    boolean integer = kind == DataType.Kind.INT || kind == DataType.Kind.LONG
        || (kind == DataType.Kind.DECIMAL && key.type().scale() == 0);
    if (integer && !key.dataType().equals("bit") && !key.dataType().equals("time")) {
      return integerRanges(connection, table, key, count);
    }
    return walkedRanges(connection, table, key, Math.max(1, rows / count));
  }

  private static List<MySqlChunk> integerRanges(Connection connection, MySqlTable table, MySqlColumn key, int count)
      throws SQLException {
    String quoted = MySqlIdentifiers.quote(key.name());
    BigInteger min;
    BigInteger max;
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT CAST(MIN(" + quoted + ") AS CHAR), CAST(MAX(" + quoted
            + ") AS CHAR) FROM " + table.quotedName())) {
      result.next();
      if (result.getString(1) == null) {
        return List.of(MySqlChunk.wholeTable());
      }
      min = new BigDecimal(result.getString(1)).toBigIntegerExact();
      max = new BigDecimal(result.getString(2)).toBigIntegerExact();
    }
    BigInteger span = max.subtract(min).add(BigInteger.ONE);
    BigInteger step = new BigDecimal(span).divide(BigDecimal.valueOf(count), 0, RoundingMode.CEILING)
        .toBigInteger().max(BigInteger.ONE);
    List<MySqlChunk> chunks = new ArrayList<>();
    String lower = null;
    for (BigInteger bound = min.add(step); bound.compareTo(max) <= 0; bound = bound.add(step)) {
      chunks.add(new MySqlChunk(key.name(), "number", lower, bound.toString()));
      lower = bound.toString();
    }
    chunks.add(new MySqlChunk(key.name(), "number", lower, null));
    return chunks;
  }

  private static List<MySqlChunk> walkedRanges(Connection connection, MySqlTable table, MySqlColumn key, long step)
      throws SQLException {
    String quoted = MySqlIdentifiers.quote(key.name());
    boolean binary = key.type().kind() == DataType.Kind.BINARY;
    boolean number = key.type().kind() == DataType.Kind.DECIMAL || key.type().kind() == DataType.Kind.DOUBLE
        || key.type().kind() == DataType.Kind.FLOAT;
    String kind = binary ? "binary" : number ? "number" : "text";
    String select = binary ? quoted : "CAST(" + quoted + " AS CHAR)";
    List<String> bounds = new ArrayList<>();
    String previous = null;
    while (true) {
      MySqlChunk after = new MySqlChunk(key.name(), kind, previous, null);
      String sql = "SELECT " + select + " FROM " + table.quotedName() + after.where() + " ORDER BY " + quoted
          + " LIMIT 1 OFFSET " + step;
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        after.bind(statement);
        try (ResultSet result = statement.executeQuery()) {
          if (!result.next()) {
            break;
          }
          String bound = binary ? Base64.getEncoder().encodeToString(result.getBytes(1)) : result.getString(1);
          if (bound.equals(previous)) {
            // Many rows share this first-key value (a composite key): the next chunk starts after all of them.
            break;
          }
          bounds.add(bound);
          previous = bound;
        }
      }
    }
    List<MySqlChunk> chunks = new ArrayList<>();
    String lower = null;
    for (String bound : bounds) {
      chunks.add(new MySqlChunk(key.name(), kind, lower, bound));
      lower = bound;
    }
    chunks.add(new MySqlChunk(key.name(), kind, lower, null));
    return chunks;
  }
}
