"""Reading photographed certificates and award documents.

The bot uses `ocr.service.OcrService`; `ocr.image.inspect_image` checks uploads; the admin CLI
command (admin_cli/ocr_cmd.py) reads photos with `ocr.pipeline.read_photo`. Everything else is
the pipeline behind them.
"""
