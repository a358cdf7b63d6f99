package dev.renderbank.provider.simulator;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.jcodec.api.awt.AWTSequenceEncoder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The simulator's outputs, real files made on first download and kept under
 * {@code ${renderbank.data-dir}/sim/<taskId>/}: an image painted from the prompt, or a 2-second
 * 320x180 H.264 MP4 encoded in pure Java (no ffmpeg on a fresh machine).
 */
@Component
class SimMedia {

    static final int VIDEO_FPS = 12;
    static final int VIDEO_FRAMES = 24;

    private final Path dir;

    SimMedia(@Value("${renderbank.data-dir:./data}") String dataDir) {
        this.dir = Path.of(dataDir, "sim").toAbsolutePath().normalize();
    }

    static String fileName(SimTask task) {
        if (task.kind() == SimTask.Kind.VIDEO) {
            return "output.mp4";
        }
        // createTask's output_format, or the Flux Kontext API's outputFormat
        String format = task.input()
                .path("output_format")
                .asString(task.input().path("outputFormat").asString("png"))
                .toLowerCase(Locale.ROOT);
        return format.equals("jpeg") || format.equals("jpg") ? "output.jpg" : "output.png";
    }

    static String contentType(String fileName) {
        if (fileName.endsWith(".mp4")) {
            return "video/mp4";
        }
        return fileName.endsWith(".jpg") ? "image/jpeg" : "image/png";
    }

    /** The task's output file, made now if it is not on disk yet. */
    Path file(SimTask task) {
        String name = fileName(task);
        Path target = dir.resolve(task.taskId()).resolve(name);
        if (Files.exists(target)) {
            return target;
        }
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), "render-", ".tmp");
            try {
                if (task.kind() == SimTask.Kind.VIDEO) {
                    writeVideo(task, tmp);
                } else {
                    BufferedImage image = picture(task.prompt(), imageSize(task), 0f);
                    ImageIO.write(image, name.endsWith(".jpg") ? "jpg" : "png", tmp.toFile());
                }
                // two concurrent first downloads both render; the move makes either result whole
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not render the simulator output for task " + task.taskId(), e);
        }
    }

    private static void writeVideo(SimTask task, Path out) throws IOException {
        boolean portrait =
                "portrait".equalsIgnoreCase(task.input().path("aspect_ratio").asString(""));
        int[] size = portrait ? new int[] {180, 320} : new int[] {320, 180};
        AWTSequenceEncoder encoder = AWTSequenceEncoder.createSequenceEncoder(out.toFile(), VIDEO_FPS);
        for (int frame = 0; frame < VIDEO_FRAMES; frame++) {
            encoder.encodeImage(picture(task.prompt(), size, frame / (float) VIDEO_FRAMES));
        }
        encoder.finish();
    }

    /** Longest side 512 (1K), 768 (2K) or 1024 (4K); shape from the aspect ratio. */
    private static int[] imageSize(SimTask task) {
        int side = switch (task.input().path("resolution").asString("1K").toUpperCase(Locale.ROOT)) {
            case "2K" -> 768;
            case "4K" -> 1024;
            default -> 512;
        };
        String aspect = task.input().path("aspect_ratio").asString("1:1").toLowerCase(Locale.ROOT);
        return switch (aspect) {
            case "16:9", "landscape" -> new int[] {side, side * 9 / 16};
            case "9:16", "portrait" -> new int[] {side * 9 / 16, side};
            case "4:3" -> new int[] {side, side * 3 / 4};
            case "3:4" -> new int[] {side * 3 / 4, side};
            default -> new int[] {side, side};
        };
    }

    /** A gradient whose colours come from the prompt, a moving disc ({@code phase} 0..1) and the prompt's words. */
    static BufferedImage picture(String prompt, int[] size, float phase) {
        int w = size[0];
        int h = size[1];
        int hash = prompt.hashCode();
        float hue = ((hash & 0xff) / 255f) + phase * 0.25f;
        Color from = Color.getHSBColor(hue, 0.55f, 0.95f);
        Color to = Color.getHSBColor(hue + 0.35f, 0.65f, 0.45f);
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setPaint(new GradientPaint(0, 0, from, w, h, to));
            g.fillRect(0, 0, w, h);
            int r = Math.min(w, h) / 4;
            int cx = (int) (r + (w - 2 * r) * phase) + ((hash >>> 8) & 0x1f);
            g.setColor(new Color(255, 255, 255, 90));
            g.fillOval(Math.min(cx, w - r) - r / 2, h / 2 - r / 2, r, r);
            g.setStroke(new BasicStroke(Math.max(2, w / 128f)));
            g.setColor(new Color(255, 255, 255, 160));
            g.drawRect(w / 32, h / 32, w - w / 16, h - h / 16);
            writeWords(g, prompt, w, h);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void writeWords(Graphics2D g, String prompt, int w, int h) {
        try {
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(10, w / 22)));
            FontMetrics fm = g.getFontMetrics();
            int y = h / 8 + fm.getAscent();
            for (String line : wrap(prompt.isBlank() ? "(no prompt)" : prompt, fm, w - w / 6)) {
                if (y > h - h / 8) {
                    break;
                }
                g.setColor(new Color(0, 0, 0, 110));
                g.drawString(line, w / 12 + 2, y + 2);
                g.setColor(Color.WHITE);
                g.drawString(line, w / 12, y);
                y += fm.getHeight();
            }
        } catch (RuntimeException | Error e) {
            // A machine without fonts (fontconfig) cannot draw text; the picture stands without words.
        }
    }

    private static List<String> wrap(String text, FontMetrics fm, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.trim().split("\\s+")) {
            String candidate = line.isEmpty() ? word : line + " " + word;
            if (fm.stringWidth(candidate) > width && !line.isEmpty()) {
                lines.add(line.toString());
                line = new StringBuilder(word);
            } else {
                line = new StringBuilder(candidate);
            }
        }
        if (!line.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }
}
