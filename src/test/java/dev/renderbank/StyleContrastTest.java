package dev.renderbank;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * WCAG 2.1 1.4.11 (non-text contrast): the focus rings and the borders of form fields differ from
 * what is around them by at least 3:1, on a card (white) and on the page's background, and the focus
 * ring also on the dark header. The amber ring (#f59e0b) was 2.15:1 on white, the segmented
 * buttons' (#a5b4fc) 1.99:1, the fields' borders (#cfd4df) 1.49:1.
 */
class StyleContrastTest {

    static final String CARD = "#ffffff";
    static final String PAGE = "#f6f7fb";
    static final String HEADER = "#111827";

    @Test
    void focusRingsAndFieldBordersStandOut() throws Exception {
        String css = Files.readString(Path.of("src/main/resources/static/css/app.css"));
        String ring = colour(css, "(?m)^:focus-visible \\{ outline:3px solid (#[0-9a-f]{6})");
        String segmented =
                colour(css, "fieldset\\.segmented input:focus-visible \\+ label \\{ outline:3px solid (#[0-9a-f]{6})");
        String field = colour(css, "input, select, textarea \\{[^}]*border:1px solid (#[0-9a-f]{6})");
        String segment = colour(css, "fieldset\\.segmented label \\{[^}]*border:1px solid (#[0-9a-f]{6})");
        for (String background : new String[] {CARD, PAGE}) {
            assertThat(contrast(ring, background))
                    .as("focus ring on " + background)
                    .isGreaterThanOrEqualTo(3);
            assertThat(contrast(segmented, background))
                    .as("segmented focus on " + background)
                    .isGreaterThanOrEqualTo(3);
            assertThat(contrast(field, background))
                    .as("field border on " + background)
                    .isGreaterThanOrEqualTo(3);
            assertThat(contrast(segment, background))
                    .as("segment border on " + background)
                    .isGreaterThanOrEqualTo(3);
        }
        assertThat(contrast(ring, HEADER)).as("focus ring in the header").isGreaterThanOrEqualTo(3);
    }

    private static String colour(String css, String regex) {
        Matcher m = Pattern.compile(regex).matcher(css);
        assertThat(m.find()).as(regex).isTrue();
        return m.group(1);
    }

    static double contrast(String a, String b) {
        double la = luminance(a);
        double lb = luminance(b);
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    private static double luminance(String hex) {
        double[] c = new double[3];
        for (int i = 0; i < 3; i++) {
            double v = Integer.parseInt(hex.substring(1 + 2 * i, 3 + 2 * i), 16) / 255.0;
            c[i] = v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    }
}
