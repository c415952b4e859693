import unittest

from _common import needs_torch, HAVE_TORCH

if HAVE_TORCH:
    import torch
    from isegnet.click_model import VARIANTS, build_click_model, count_params
    from isegnet.propagation import PROP_VARIANTS, build_prop_model
    from isegnet.swin import shifted_window_mask


@needs_torch
class ClickModelShapes(unittest.TestCase):
    def test_tiny_and_cpu_output_at_input_size(self):
        for v in ("tiny", "cpu"):
            m = build_click_model(v).eval()
            h, w = m.cfg.input_size
            with torch.no_grad():
                y = m(torch.randn(2, 3, h, w), torch.zeros(2, 3, h, w))
            self.assertEqual(tuple(y.shape), (2, 1, h, w), v)

    def test_four_stage_features(self):
        m = build_click_model("tiny").eval()
        with torch.no_grad():
            feats = m.backbone(m.image_embed(torch.randn(1, 3, 64, 64)))
        self.assertEqual([tuple(f.shape[1:]) for f in feats], [(4, 16, 16), (8, 8, 8), (16, 4, 4), (32, 2, 2)])

    def test_other_sizes_are_padded(self):
        m = build_click_model("tiny").eval()
        with torch.no_grad():
            y = m(torch.randn(1, 3, 72, 96), torch.zeros(1, 3, 72, 96))
        self.assertEqual(tuple(y.shape), (1, 1, 72, 96))

    def test_clicks_change_the_output(self):
        torch.manual_seed(0)
        m = build_click_model("tiny").eval()
        img, c = torch.randn(1, 3, 64, 64), torch.zeros(1, 3, 64, 64)
        c2 = c.clone()
        c2[0, 0, 20:30, 20:30] = 1
        with torch.no_grad():
            self.assertGreater((m(img, c) - m(img, c2)).abs().max().item(), 1e-6)

    def test_gpu_variant_is_larger(self):
        self.assertGreater(count_params(build_click_model("gpu")), 5 * count_params(build_click_model("cpu")))
        self.assertEqual(VARIANTS["cpu"].input_size[0] // 4 % VARIANTS["cpu"].window, 0)

    def test_shift_mask_separates_regions(self):
        mask = shifted_window_mask(8, 8, 4, 2)
        self.assertEqual(tuple(mask.shape), (4, 16, 16))
        self.assertEqual(mask[0].abs().sum().item(), 0)  # top-left window is one region
        self.assertLess(mask[-1].min().item(), -50)     # bottom-right mixes wrapped regions


@needs_torch
class PropagationShapes(unittest.TestCase):
    def test_contract(self):
        for v in ("tiny", "cpu"):
            cfg = PROP_VARIANTS[v]
            net = build_prop_model(v).eval()
            b, h, w = 2, 96, 128
            with torch.no_grad():
                key, f16, f8, f4 = net.key_encoder(torch.randn(b, 3, h, w))
                self.assertEqual(tuple(key.shape), (b, cfg.key_dim, h // 16, w // 16))
                self.assertEqual(tuple(f16.shape), (b, cfg.key_widths[3], h // 16, w // 16))
                self.assertEqual(tuple(f8.shape), (b, cfg.key_widths[2], h // 8, w // 8))
                self.assertEqual(tuple(f4.shape), (b, cfg.key_widths[1], h // 4, w // 4))
                val = net.value_encoder(torch.randn(b, 3, h, w), torch.rand(b, 1, h, w), torch.zeros(b, 1, h, w), f16)
                self.assertEqual(tuple(val.shape), (b, cfg.value_dim, h // 16, w // 16))
                out = net.decoder(val, f16, f8, f4)
                self.assertEqual(tuple(out.shape), (b, 1, h, w))


if __name__ == "__main__":
    unittest.main()
