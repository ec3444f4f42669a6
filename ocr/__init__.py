"""Reading photographed certificates and award documents.

The bot uses `ocr.service.OcrService`; `ocr.image.inspect_image` checks uploads; the admin CLI
command is `ocr.cli.ocr_command`. Everything else is the pipeline behind them.
"""
