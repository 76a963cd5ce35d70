//! image-classification preprocessing settings: preprocessor_config.json as real checkpoints
//! ship it (the old `feature_extractor_type` files with a bare `size` number, the newer size
//! dicts), the sizes each resize mode gives, and clear errors for settings that can't work.

use hftutor::inference::preprocess::image::{load_image, Preprocessor, Resize};
use hftutor::inference::preprocess::image_resample::Filter;
use image::{Rgb, RgbImage};
use serde_json::json;

fn picture(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        Rgb([(x * 3) as u8, (y * 5) as u8, ((x + y) % 256) as u8])
    })
}

#[test]
fn google_vit_base_config_stretches_to_a_square() {
    // google/vit-base-patch16-224's preprocessor_config.json.
    let p = Preprocessor::from_config(&json!({
        "do_normalize": true, "do_resize": true, "feature_extractor_type": "ViTFeatureExtractor",
        "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5], "resample": 2, "size": 224
    }))
    .unwrap();
    assert_eq!(
        p.resize,
        Some(Resize::Exact {
            height: 224,
            width: 224
        })
    );
    assert_eq!(p.filter, Filter::Bilinear);
    assert_eq!(p.rescale, Some(1.0 / 255.0));
    let (values, h, w) = p.pixel_values(&picture(300, 200)).unwrap();
    assert_eq!((h, w, values.len()), (224, 224, 3 * 224 * 224));
    assert!(values.iter().all(|v| (-1.0..=1.0).contains(v)));
}

#[test]
fn microsoft_resnet_50_config_resizes_the_short_side_then_crops() {
    // microsoft/resnet-50's preprocessor_config.json: a bare number means the shortest edge.
    let p = Preprocessor::from_config(&json!({
        "crop_pct": 0.875, "do_normalize": true, "do_resize": true,
        "feature_extractor_type": "ConvNextFeatureExtractor",
        "image_mean": [0.485, 0.456, 0.406], "image_std": [0.229, 0.224, 0.225],
        "resample": 3, "size": 224
    }))
    .unwrap();
    assert_eq!(
        p.resize,
        Some(Resize::ConvNext {
            edge: 224,
            crop_pct: 0.875
        })
    );
    assert_eq!(p.filter, Filter::Bicubic);
    // 256 on the short side (224 / 0.875), then the middle 224 × 224.
    assert_eq!(
        p.resized(&picture(512, 300)).unwrap().dimensions(),
        (224, 224)
    );
    assert_eq!(
        p.resized(&picture(100, 60)).unwrap().dimensions(),
        (224, 224)
    );
}

#[test]
fn convnext_from_384_on_stretches_without_cropping() {
    let p = Preprocessor::from_config(&json!({
        "image_processor_type": "ConvNextImageProcessor", "size": {"shortest_edge": 384}
    }))
    .unwrap();
    assert_eq!(
        p.resized(&picture(500, 200)).unwrap().dimensions(),
        (384, 384)
    );
}

#[test]
fn shortest_edge_keeps_proportions_and_crop_size_crops() {
    let p = Preprocessor::from_config(&json!({
        "image_processor_type": "CLIPImageProcessor", "size": {"shortest_edge": 32},
        "do_center_crop": true, "crop_size": {"height": 24, "width": 30}
    }))
    .unwrap();
    assert_eq!(p.resize, Some(Resize::ShortestEdge(32)));
    let resized_only = Preprocessor {
        crop: None,
        ..p.clone()
    };
    assert_eq!(
        resized_only
            .resized(&picture(100, 50))
            .unwrap()
            .dimensions(),
        (64, 32)
    );
    assert_eq!(p.resized(&picture(100, 50)).unwrap().dimensions(), (30, 24));
}

#[test]
fn settings_that_cannot_work_are_refused_clearly() {
    let err = |config| Preprocessor::from_config(&config).unwrap_err().to_string();
    assert!(err(json!({"resample": 9})).contains("resample filter 9"));
    assert!(err(json!({"image_std": [0.5, 0.0, 0.5]})).contains("has a 0"));
    assert!(err(json!({"image_mean": [0.5, 0.5]})).contains("must be 3 numbers"));
    assert!(err(json!({"size": {"longest_edge": 10}})).contains("size"));
}

#[test]
fn a_bmp_picture_reads_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("grid.bmp");
    picture(7, 5).save(&path).unwrap();
    let img = load_image(&path.to_string_lossy()).unwrap();
    assert_eq!(img, picture(7, 5));
}

#[test]
fn sizes_past_reason_are_refused_not_allocated() {
    let err = |config| Preprocessor::from_config(&config).unwrap_err().to_string();
    assert!(err(json!({"size": {"height": 0, "width": 224}})).contains("size"));
    assert!(err(json!({"size": 100000})).contains("size"));
    let c = json!({"image_processor_type": "ConvNextImageProcessor", "size": 224, "crop_pct": 0.0});
    assert!(err(c).contains("crop_pct"));
    let p = Preprocessor::from_config(&json!({
        "image_processor_type": "CLIPImageProcessor", "size": {"shortest_edge": 224}
    }))
    .unwrap();
    let thin = p.resized(&picture(3000, 1)).unwrap_err().to_string();
    assert!(thin.contains("too long and thin"), "{thin}");
}
