package io.sluice.destination.iceberg;

import io.sluice.spi.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.expressions.Term;

/**
 * Parses a stream's {@code partitioning} strings into an Iceberg {@link PartitionSpec}.
 *
 * <p>Accepted forms, whitespace tolerant: {@code col} and {@code identity(col)}, {@code year(col)},
 * {@code month(col)}, {@code day(col)}, {@code hour(col)}, {@code bucket(N, col)}, {@code truncate(N, col)}.
 * Column names are matched exactly (case and all) and may contain spaces, dots and non-ASCII letters; a name
 * containing a comma or parenthesis can be written in double quotes ({@code ""} for a quote inside).
 */
final class PartitionSpecParser {
  static final String EXPECTED_FORMS =
      "expected col, identity(col), year(col), month(col), day(col), hour(col), bucket(N, col) or truncate(N, col)";
  private static final Pattern CALL = Pattern.compile("\\s*([A-Za-z]+)\\s*\\((.*)\\)\\s*", Pattern.DOTALL);

  private PartitionSpecParser() {}

  /** One parsed partition transform. */
  record PartitionTerm(String text, Transform transform, String column, int width) {
    /** The term for {@code UpdatePartitionSpec.addField}. */
    Term expression() {
      return switch (transform) {
        case IDENTITY -> Expressions.ref(column);
        case YEAR -> Expressions.year(column);
        case MONTH -> Expressions.month(column);
        case DAY -> Expressions.day(column);
        case HOUR -> Expressions.hour(column);
        case BUCKET -> Expressions.bucket(column, width);
        case TRUNCATE -> Expressions.truncate(column, width);
      };
    }

    void addTo(PartitionSpec.Builder builder) {
      switch (transform) {
        case IDENTITY -> builder.identity(column);
        case YEAR -> builder.year(column);
        case MONTH -> builder.month(column);
        case DAY -> builder.day(column);
        case HOUR -> builder.hour(column);
        case BUCKET -> builder.bucket(column, width);
        case TRUNCATE -> builder.truncate(column, width);
      }
    }
  }

  enum Transform {
    IDENTITY(false), YEAR(false), MONTH(false), DAY(false), HOUR(false), BUCKET(true), TRUNCATE(true);

    private final boolean takesWidth;

    Transform(boolean takesWidth) {
      this.takesWidth = takesWidth;
    }
  }

  /**
   * Parses every string and checks it against {@code schema}.
   *
   * @throws ConfigException (key {@code partitioning}) naming the offending string, the table and the forms
   *     accepted, for an unknown transform, an unknown column, a bad width or a transform the column's type
   *     does not support
   */
  static PartitionSpec parse(List<String> partitioning, Schema schema, String tableName) {
    return toSpec(parseTerms(partitioning, schema, tableName), schema, tableName);
  }

  /** The same as {@link #parse} but keeping the terms, for evolving an existing table's spec. */
  static List<PartitionTerm> parseTerms(List<String> partitioning, Schema schema, String tableName) {
    List<PartitionTerm> terms = new ArrayList<>();
    for (String text : partitioning) {
      terms.add(parseTerm(text, schema, tableName));
    }
    toSpec(terms, schema, tableName);
    return terms;
  }

  /** The spec of terms {@link #parseTerms} returned for the same schema. */
  static PartitionSpec toSpec(List<PartitionTerm> terms, Schema schema, String tableName) {
    PartitionSpec.Builder builder = PartitionSpec.builderFor(schema);
    for (PartitionTerm term : terms) {
      try {
        // Iceberg checks a transform against its column's type only in build(): try each term alone first
        // so that the error names the term at fault.
        PartitionSpec.Builder alone = PartitionSpec.builderFor(schema);
        term.addTo(alone);
        alone.build();
        term.addTo(builder);
      } catch (IllegalArgumentException | ValidationException e) {
        throw invalid(term.text(), tableName, e.getMessage());
      }
    }
    return builder.build();
  }

  private static PartitionTerm parseTerm(String text, Schema schema, String tableName) {
    // A column whose name merely looks like a call, e.g. "day(x)", is still a bare column.
    if (schema.asStruct().field(text.trim()) != null) {
      return new PartitionTerm(text, Transform.IDENTITY, text.trim(), 0);
    }
    Matcher call = CALL.matcher(text);
    if (!call.matches()) {
      throw invalid(text, tableName, "there is no column '" + text.trim() + "'");
    }
    Transform transform = transform(call.group(1), text, tableName);
    String arguments = call.group(2);
    int width = 0;
    String column = arguments;
    if (transform.takesWidth) {
      int comma = arguments.indexOf(',');
      if (comma < 0) {
        throw invalid(text, tableName, transform.name().toLowerCase(Locale.ROOT) + " needs a width and a column");
      }
      width = width(arguments.substring(0, comma), text, tableName);
      column = arguments.substring(comma + 1);
    }
    column = unquote(column.trim());
    if (schema.asStruct().field(column) == null) {
      throw invalid(text, tableName, "there is no column '" + column + "'");
    }
    return new PartitionTerm(text, transform, column, width);
  }

  private static Transform transform(String name, String text, String tableName) {
    try {
      return Transform.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw invalid(text, tableName, "unknown transform '" + name + "'");
    }
  }

  private static int width(String text, String term, String tableName) {
    try {
      int width = Integer.parseInt(text.trim());
      if (width > 0) {
        return width;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(term, tableName, "'" + text.trim() + "' is not a positive whole number");
  }

  private static String unquote(String column) {
    if (column.length() >= 2 && column.startsWith("\"") && column.endsWith("\"")) {
      return column.substring(1, column.length() - 1).replace("\"\"", "\"");
    }
    return column;
  }

  private static ConfigException invalid(String text, String tableName, String reason) {
    return new ConfigException("partitioning",
        "Cannot partition " + tableName + " by '" + text + "': " + reason + "; " + EXPECTED_FORMS);
  }
}
