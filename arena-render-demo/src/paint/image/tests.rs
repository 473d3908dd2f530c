//! The image shader's fast paths against its per-pixel path, and the sampling arithmetic
//! against the standard library.

use super::sample::{bicubic_weights, bilinear_weights, fract};
use super::*;

#[test]
fn filter_weights_sum_to_one() {
    for f in [0.0, 0.25, 0.5, 0.9] {
        let sum: f32 = bicubic_weights(f).iter().sum();
        assert!((sum - 1.0).abs() < 1e-6, "{f}: {sum}");
        assert_eq!(bilinear_weights(f).iter().sum::<f32>(), 1.0);
    }
}

#[test]
fn fract_matches_the_standard_one() {
    for v in [
        -2.75f32,
        -0.5,
        -0.0,
        0.0,
        0.3,
        1.0,
        7.99,
        8_388_607.5,
        3e9,
        -3e9,
    ] {
        assert_eq!(fract(v).to_bits(), v.fract().to_bits(), "{v}");
    }
    assert!(fract(f32::NAN).is_nan() && fract(f32::INFINITY).is_nan());
}

#[test]
fn texels_in_f32_round_trip_to_the_same_rgba8() {
    for c in 0..=255u8 {
        let p = [c, 255 - c, c / 2, 255];
        assert_eq!(p.unit().rgba8(), p.rgba8());
        assert_eq!(p.unit(), p.map(|c| f32::from(c) / 255.0));
    }
}

#[test]
fn a_scaled_image_is_sampled_through_the_inverse_transform() {
    // 2x1 image, red then blue, scaled by 4: pixels 0..4 red, 4..8 blue (nearest).
    let raster = || Raster::new(2, 1, vec![[255, 0, 0, 255], [0, 0, 255, 255]]).map(Arc::new);
    let scale = Transform::from_scale(4.0, 4.0);
    let shader =
        ImageShader::new(raster().unwrap(), scale, Filter::Nearest, (8, &mut 100)).unwrap();
    let mut row = [[0; 4]; 8];
    shader.shade_row(1, 0, &mut row);
    assert_eq!(row[..4], [[255, 0, 0, 255]; 4]);
    assert_eq!(row[4..], [[0, 0, 255, 255]; 4]);
    // Bilinear blends across the middle and pads at the ends.
    let shader =
        ImageShader::new(raster().unwrap(), scale, Filter::Bilinear, (8, &mut 100)).unwrap();
    shader.shade_row(1, 0, &mut row);
    assert_eq!(row[0], [255, 0, 0, 255]);
    assert_eq!(row[7], [0, 0, 255, 255]);
    assert!(row[3][0] > 0 && row[3][2] > 0 && row[3][0] > row[4][0]);
    assert!(Raster::new(2, 2, vec![[0; 4]; 3]).is_none());
}

/// A 5x4 image of distinct translucent colours, premultiplied.
fn raster() -> Arc<Raster> {
    let pixels = (0..20u16)
        .map(|i| {
            let a = 135 + i * 6;
            [i * 6 % a, i * 37 % a, a - i, a].map(|c| c as u8)
        })
        .collect();
    Arc::new(Raster::new(5, 4, pixels).unwrap())
}

/// Every pixel of a 40 x 30 canvas, one row span at a time and as single pixels.
fn shade_all(shader: &ImageShader) -> (Vec<Pixel>, Vec<Pixel>) {
    let (mut rows, mut single) = (vec![[0; 4]; 40 * 30], vec![[0; 4]; 40 * 30]);
    for y in 0..30 {
        shader.shade_row(y, 0, &mut rows[y as usize * 40..][..40]);
        for x in 0..40 {
            let i = y as usize * 40 + x;
            shader.shade_row(y, x, &mut single[i..i + 1]);
        }
    }
    (rows, single)
}

#[test]
fn level_spans_and_the_rgba8_source_give_the_per_pixel_results() {
    let placements = [
        Transform::from_row(6.3, 0.0, 0.0, 5.1, 3.7, 4.2),
        Transform::from_row(-4.0, 0.0, 0.0, 3.3, 30.5, 1.0),
        Transform::from_row(0.7, 0.0, 0.0, 0.9, 1.25, 2.5),
    ];
    for ts in placements {
        for filter in [Filter::Nearest, Filter::Bilinear, Filter::Bicubic] {
            let mut budget = 1000;
            let fast = ImageShader::new(raster(), ts, filter, (40, &mut budget)).unwrap();
            assert!(fast.level && (filter == Filter::Nearest) == fast.unit.is_empty());
            assert!(!fast.columns.is_empty() && budget == 1000 - fast.columns.len());
            // Over budget: no table, the column taps per pixel.
            let mut none = 1;
            let per_span = ImageShader::new(raster(), ts, filter, (40, &mut none)).unwrap();
            assert!(per_span.columns.is_empty() && none == 1);
            let mut slow = fast.clone();
            slow.level = false;
            let mut rgba8 = slow.clone();
            rgba8.unit = Vec::new();
            let (rows, single) = shade_all(&fast);
            assert_eq!(rows, single, "{ts:?} {filter:?}");
            assert_eq!(rows, shade_all(&per_span).0, "{ts:?} {filter:?}");
            assert_eq!(rows, shade_all(&slow).0, "{ts:?} {filter:?}");
            assert_eq!(rows, shade_all(&rgba8).0, "{ts:?} {filter:?}");
            // The image covers most of the canvas: the test compares drawn pixels.
            assert!(rows.iter().filter(|p| p[3] > 0).count() > 300);
        }
    }
    // A rotated image is sampled per pixel.
    let rotated = Transform::from_rotate(20.0).post_scale(4.0, 4.0);
    let shader = ImageShader::new(raster(), rotated, Filter::Bicubic, (40, &mut 1000)).unwrap();
    assert!(!shader.level && shader.columns.is_empty());
    let (rows, single) = shade_all(&shader);
    assert_eq!(rows, single);
}
