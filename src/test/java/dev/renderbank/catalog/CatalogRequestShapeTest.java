package dev.renderbank.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.io.ClassPathResource;

/**
 * The provider request each catalogue model becomes, as shipped in application.yml. KIE names its
 * inputs per model (SPEC section 5, docs.kie.ai): a wrong name is silently ignored by the provider,
 * so each model's exact {@code input} is pinned here. A model added to the catalogue without a
 * shape here fails {@link #everyCatalogueModelHasAPinnedRequestShape}.
 */
class CatalogRequestShapeTest {

    private static final List<String> REFS = List.of("https://cdn.example.com/ref.png");
    private static final List<String> FLUX =
            List.of("flux-1.1-pro", "flux-1.1-pro-ultra", "flux-kontext-pro", "flux-kontext-max", "flux-dev", "sd");

    static Catalog catalog;

    @BeforeAll
    static void loadTheShippedCatalogue() throws IOException {
        var sources = new YamlPropertySourceLoader().load("application", new ClassPathResource("application.yml"));
        CatalogProperties props = new Binder(ConfigurationPropertySources.from(sources))
                .bind("renderbank.catalog", CatalogProperties.class)
                .get();
        catalog = new Catalog(props);
    }

    private static PricedRequest image(String model, List<String> images, String resolution, String format) {
        Pricing p = catalog.price(
                new GenerationSpec(AssetType.IMAGE, model, "a red fox", images, resolution, format, null, null));
        assertThat(p).as(model).isInstanceOf(Pricing.Priced.class);
        return ((Pricing.Priced) p).request();
    }

    private static PricedRequest video(
            String model, List<String> images, String resolution, String aspect, Integer seconds) {
        Pricing p = catalog.price(
                new GenerationSpec(AssetType.VIDEO, model, "waves", images, resolution, null, aspect, seconds));
        assertThat(p).as(model).isInstanceOf(Pricing.Priced.class);
        return ((Pricing.Priced) p).request();
    }

    private static Map<String, Object> input(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    @Test
    void everyCatalogueModelHasAPinnedRequestShape() {
        var pinned = new TreeSet<>(List.of("nano-banana", "nano-banana-pro", "sora-2", "sora-2-pro"));
        pinned.addAll(FLUX);
        assertThat(new TreeSet<>(catalog.models().keySet())).isEqualTo(pinned);
    }

    @Test
    void nanoBananaSendsOutputFormatAndNoResolution() {
        // google/nano-banana: prompt, output_format png|jpeg, image_size (an aspect ratio, left to KIE's default)
        PricedRequest text = image("nano-banana", null, null, "jpeg");
        assertThat(text.providerModel()).isEqualTo("google/nano-banana");
        assertThat(text.providerInput()).isEqualTo(input("prompt", "a red fox", "output_format", "jpeg"));
        assertThat(text.credits()).isEqualTo(5);

        // with reference images it is google/nano-banana-edit, which takes them as image_urls
        PricedRequest edit = image("nano-banana", REFS, "1K", null);
        assertThat(edit.providerModel()).isEqualTo("google/nano-banana-edit");
        assertThat(edit.providerInput())
                .isEqualTo(input("prompt", "a red fox", "image_urls", REFS, "output_format", "png"));
    }

    @Test
    void nanoBananaOffersNoResolutionItCannotDeliver() {
        Pricing p = catalog.price(
                new GenerationSpec(AssetType.IMAGE, "nano-banana", "a red fox", null, "4K", null, null, null));
        assertThat(p)
                .isEqualTo(new Pricing.Invalid("resolution", "4K is not offered for nano-banana; offered: 1K", true));
    }

    /** A refused option names what the model does sell, not every value some model takes. */
    @Test
    void aRefusedOptionNamesWhatTheModelOffers() {
        assertThat(catalog.price(
                        new GenerationSpec(AssetType.IMAGE, "nano-banana", "a red fox", null, "8K", null, null, null)))
                .isEqualTo(new Pricing.Invalid("resolution", "must be one of 1K for nano-banana", false));
        assertThat(catalog.price(
                        new GenerationSpec(AssetType.VIDEO, "sora-2", "a red fox", null, "1080p", null, null, 10)))
                .isEqualTo(new Pricing.Invalid(
                        "resolution",
                        "1080p for 10 s is not offered for sora-2; offered: 720p for 10 s, 720p for 15 s",
                        true));
    }

    @Test
    void nanoBananaProTakesImageInputAndJpg() {
        // nano-banana-pro: prompt, image_input[], resolution 1K|2K|4K, output_format png|jpg
        PricedRequest text = image("nano-banana-pro", null, "4K", "jpeg");
        assertThat(text.providerModel()).isEqualTo("nano-banana-pro");
        assertThat(text.providerInput())
                .isEqualTo(input("prompt", "a red fox", "resolution", "4K", "output_format", "jpg"));
        assertThat(text.credits()).isEqualTo(30);
        assertThat(text.options()).containsEntry("outputFormat", "jpeg");

        PricedRequest withRefs = image("nano-banana-pro", REFS, "2K", null);
        assertThat(withRefs.providerModel()).isEqualTo("nano-banana-pro");
        assertThat(withRefs.providerInput())
                .isEqualTo(
                        input("prompt", "a red fox", "image_input", REFS, "resolution", "2K", "output_format", "png"));
        assertThat(withRefs.credits()).isEqualTo(22);
    }

    @Test
    void fluxKontextSendsTheFluxKontextApisOwnFieldsAndOneInputImage() {
        // KIE's Flux Kontext API (docs.kie.ai/flux-kontext-api/generate-or-edit-image): prompt,
        // inputImage (one URL, editing mode), outputFormat jpeg|png; no resolution; top-level fields
        for (String model : List.of("flux-kontext-pro", "flux-kontext-max")) {
            PricedRequest text = image(model, null, null, "jpeg");
            assertThat(text.providerModel()).isEqualTo(model);
            assertThat(text.providerInput()).as(model).isEqualTo(input("prompt", "a red fox", "outputFormat", "jpeg"));

            PricedRequest edit = image(model, REFS, null, null);
            assertThat(edit.providerInput())
                    .as(model)
                    .isEqualTo(input("prompt", "a red fox", "inputImage", REFS.get(0), "outputFormat", "png"));

            // the API takes one input image: a second is refused, not silently dropped
            Pricing two = catalog.price(new GenerationSpec(
                    AssetType.IMAGE,
                    model,
                    "a red fox",
                    List.of(REFS.get(0), "https://cdn.example.com/other.png"),
                    null,
                    null,
                    null,
                    null));
            assertThat(two)
                    .as(model)
                    .isEqualTo(new Pricing.Invalid("imageUrls", "at most 1 image(s) for " + model, true));
        }
    }

    @Test
    void fluxAndSdKeepTheirNamesForWantOfAKieCreateTaskPage() {
        for (String model : FLUX) {
            if (model.startsWith("flux-kontext-")) {
                continue; // their own API: above
            }
            PricedRequest r = image(model, null, null, "jpeg");
            assertThat(r.providerModel()).isEqualTo(model);
            assertThat(r.providerInput())
                    .as(model)
                    .isEqualTo(input("prompt", "a red fox", "output_format", "jpeg", "resolution", "1K"));
        }
    }

    @Test
    void sora2SendsNoSizeAndImagesAsImageUrls() {
        // sora-2-*: prompt, image_urls[], aspect_ratio landscape|portrait, n_frames "10"|"15", remove_watermark
        // (a paid video comes without the provider's watermark); size is pro-only
        PricedRequest text = video("sora-2", null, null, "portrait", 15);
        assertThat(text.providerModel()).isEqualTo("sora-2-text-to-video");
        assertThat(text.providerInput())
                .isEqualTo(input(
                        "prompt", "waves", "aspect_ratio", "portrait", "n_frames", "15", "remove_watermark", true));
        assertThat(text.credits()).isEqualTo(30);

        PricedRequest fromImage = video("sora-2", REFS, null, null, null);
        assertThat(fromImage.providerModel()).isEqualTo("sora-2-image-to-video");
        assertThat(fromImage.providerInput())
                .isEqualTo(input(
                        "prompt",
                        "waves",
                        "image_urls",
                        REFS,
                        "aspect_ratio",
                        "landscape",
                        "n_frames",
                        "10",
                        "remove_watermark",
                        true));
    }

    @Test
    void sora2ProSendsSizeForItsResolution() {
        PricedRequest hd = video("sora-2-pro", null, "1080p", null, 15);
        assertThat(hd.providerModel()).isEqualTo("sora-2-pro-text-to-video");
        assertThat(hd.providerInput())
                .isEqualTo(input(
                        "prompt",
                        "waves",
                        "aspect_ratio",
                        "landscape",
                        "n_frames",
                        "15",
                        "remove_watermark",
                        true,
                        "size",
                        "high"));
        assertThat(hd.credits()).isEqualTo(300);

        PricedRequest fromImage = video("sora-2-pro", REFS, "720p", "portrait", 10);
        assertThat(fromImage.providerModel()).isEqualTo("sora-2-pro-image-to-video");
        assertThat(fromImage.providerInput())
                .isEqualTo(input(
                        "prompt",
                        "waves",
                        "image_urls",
                        REFS,
                        "aspect_ratio",
                        "portrait",
                        "n_frames",
                        "10",
                        "remove_watermark",
                        true,
                        "size",
                        "standard"));
        assertThat(fromImage.credits()).isEqualTo(75);
    }
}
