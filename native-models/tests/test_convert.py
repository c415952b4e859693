import sys
import unittest

from _common import NATIVE, needs_ort_node, needs_torch, HAVE_TORCH

sys.path.insert(0, str(NATIVE / "convert"))
if HAVE_TORCH:
    import torch
    from official_isegformer import SWIN_B, OfficialISegFormer, infer_config
    from official_stcn import OfficialSTCN


@needs_torch
class OfficialArchitectures(unittest.TestCase):
    def test_swin_b_names_and_config_inference(self):
        sd = OfficialISegFormer(**SWIN_B).state_dict()
        for key in ("backbone.patch_embed.proj.weight", "backbone.patch_embed_coords.norm.weight",
                    "backbone.layers.2.blocks.17.attn.relative_position_bias_table",
                    "backbone.layers.2.blocks.17.attn.relative_position_index",
                    "backbone.layers.0.downsample.reduction.weight", "backbone.norm3.weight",
                    "head.convs.3.conv.weight", "head.convs.0.bn.running_var", "head.fusion_conv.conv.weight",
                    "head.conv_seg.bias", "head.up_conv1.0.weight"):
            self.assertIn(key, sd)
        self.assertNotIn("backbone.layers.3.downsample.reduction.weight", sd)
        self.assertEqual(tuple(sd["backbone.layers.0.blocks.0.attn.relative_position_bias_table"].shape), (23 * 23, 4))
        cfg = infer_config(sd)
        self.assertEqual(cfg, {**SWIN_B, "depths": (2, 2, 18, 2), "heads": (4, 8, 16, 32)})
        n = sum(v.numel() for k, v in sd.items() if "relative_position_index" not in k and "num_batches" not in k
                and "running" not in k)
        self.assertTrue(85e6 < n < 92e6, n)  # the paper quotes 87-88 M for Swin-B

    def test_stcn_names_and_shapes(self):
        sd = OfficialSTCN().state_dict()
        expect = {"key_encoder.conv1.weight": (64, 3, 7, 7), "key_encoder.res2.0.conv3.weight": (256, 64, 1, 1),
                  "key_encoder.layer3.5.bn3.weight": (1024,), "key_proj.key_proj.weight": (64, 1024, 3, 3),
                  "key_comp.weight": (512, 1024, 3, 3), "value_encoder.conv1.weight": (64, 5, 7, 7),
                  "value_encoder.layer3.1.conv2.weight": (256, 256, 3, 3),
                  "value_encoder.fuser.block1.downsample.weight": (512, 1280, 3, 3),
                  "decoder.compress.downsample.weight": (512, 1024, 3, 3),
                  "decoder.up_16_8.skip_conv.weight": (512, 512, 3, 3), "decoder.up_8_4.out_conv.conv1.weight":
                  (256, 256, 3, 3), "decoder.pred.weight": (1, 256, 3, 3)}
        for k, shape in expect.items():
            self.assertEqual(tuple(sd[k].shape), shape, k)


@needs_torch
@needs_ort_node
class ConvertersOnRandomWeights(unittest.TestCase):
    def test_reduced_official_models_convert_with_parity(self):
        import verify_random

        torch.set_num_threads(2)
        small = dict(SWIN_B, depths=(1, 1, 1, 1), embed_dim=16, heads=(1, 2, 2, 4), head_channels=16)
        m = verify_random.verify_isegformer(small, "test-swin-small", 96)
        self.assertLess(m["parity"]["maxAbsDiff"]["logits"], 1e-3)
        m = verify_random.verify_stcn(8, "test-stcn-div8", 64)
        self.assertLess(max(max(d.values()) for d in m["parity"]["maxAbsDiff"].values()), 1e-3)


if __name__ == "__main__":
    unittest.main()
