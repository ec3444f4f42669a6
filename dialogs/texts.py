# ruff: noqa: E501  (prose lines are easier to edit unbroken)
"""The one catalogue of user-facing text. zh-CN first; a `ko` table can be added for 延边.

Code refers to texts by key only, so a province can reword the bot without touching logic.
"""

from __future__ import annotations

ZH_CN: dict[str, str] = {
    # --- validation errors (dialogs/validators.py raises Invalid(key, **params)) ---
    "err.empty": "这里需要您写一点内容，请再试一次。",
    "err.too_long": "内容太长了（最多 {limit} 个字），请简短一些。",
    "err.name.chars": "姓名只能是汉字（少数民族姓名可以带“·”），请重新输入。",
    "err.name.length": "姓名一般是 2 到 30 个字，请重新输入。",
    "err.id.length": "身份证号码应该是 18 位，您输入了 {length} 位，请核对后重新输入。",
    "err.id.chars": "身份证号码只能有数字，最后一位可以是 X，请重新输入。",
    "err.id.checksum": "这个身份证号码的校验位不对，可能有一位输错了，请仔细核对后重新输入。",
    "err.id.birth_date": "身份证号码里的出生日期不对，请核对后重新输入。",
    "err.id.region": "身份证号码的前 6 位（地区码）不对，请核对后重新输入。",
    "err.id.age": "按这个身份证号码，获奖人今年 {age} 岁，不太可能，请核对后重新输入。",
    "err.id.gender": "身份证号码显示的性别是“{id_gender}”，和您选的“{gender}”不一致，请核对。",
    "err.phone": "这个电话号码不对。请输入 11 位手机号，或带区号的座机号（如 0433-1234567）。",
    "err.date.format": "没看懂这个日期。可以这样写：2015年4月、2015.4 或 201504。",
    "err.date.future": "这个日期还没到（{value}），请核对后重新输入。",
    "err.date.too_old": "这个日期太早了（{value}），请核对后重新输入。",
    "err.date.month": "月份应该在 1 到 12 之间，请重新输入。",
    "err.docno.format": "没看懂这个文号。文号一般像这样：吉发〔2020〕12号。",
    "err.choice": "请点下面的按钮选择。",
    "err.text_expected": "这一步需要您打字回答，请直接输入文字。",
    "err.division.not_found": "没有找到“{query}”。请换个写法，或点按钮一级一级地选。",
    "err.ethnicity": "没有找到这个民族，请写全称，例如“朝鲜族”，或点下面的按钮。",
    "err.photo_expected": "这一步请发照片。拍好了点“完成”，没有的话点“以后再补”。",
    # --- things a question cannot take ---
    "unsupported.photo": "这一步不需要照片，请按问题回答。",
    "unsupported.sticker": "贴纸我看不懂哦，请按问题回答。",
    "unsupported.voice": "暂时听不了语音，请打字或点按钮回答。",
    "unsupported.document": "这一步不需要文件，请按问题回答。",
    "unsupported.other": "这个我看不懂，请打字或点按钮回答。",
    # --- photos (evidence) ---
    "photo.not_image": "这个文件不是照片。请直接拍照发过来（JPG 或 PNG）。",
    "photo.empty": "这个文件是空的，请重新拍一张发过来。",
    "photo.truncated": "这张照片不完整，可能没发完，请重新发一次。",
    "photo.too_many_pixels": "这张图片太大了，请用手机正常拍一张发过来。",
    "photo.too_large": "这张照片超过 20MB，太大了。请用手机正常拍一张，或压缩后再发。",
    "photo.animated": "动图不能作为证明材料，请拍一张照片发过来。",
    "photo.download_failed": "照片没有收到，请再发一次。",
    "photos.got": "收到 {n} 张。还有就继续发；都发完了请点“完成”。",
    "photos.thanks": "好的，共 {n} 张照片已保存。",
    "photos.later": "好的，照片以后再补也可以。",
    # --- conversation ---
    "welcome": "您好！这里是吉林省享受省部级以上表彰奖励获得者待遇人员统计登记。\n我会一个一个地问，您点按钮或打字回答就行。填到一半可以随时离开，下次发 /start 接着填。",
    "resume": "欢迎回来！我们接着上次的地方继续。",
    "returned.intro": "您的登记被退回修改，原因：{reason}\n请点“修改”改好后再提交。",
    "stale": "这个按钮已经过期了，请看最新的问题。",
    "consent.thanks": "谢谢您的同意。",
    "phone.saved": "电话记下了。",
    "award.intro": "先了解一下获得的表彰。有几项就登记几项，一项一项来。",
    "award.next": "好的，下面登记第 {n} 项表彰。",
    "award.prefix": "（第 {n} 项表彰）",
    "person.intro": "表彰情况问完了。下面填写获奖人的基本信息。",
    "birth.retry": "出生日期不对，说明身份证号码可能输错了，请重新输入。",
    "verdict.eligible": "✅ 这项表彰符合登记条件：{rule}",
    "verdict.uncertain": "🔎 这项表彰需要工作人员核实（待核实）：{reason}",
    "verdict.out_of_scope": "ℹ️ 这项表彰不在这次统计登记的范围内：{reason}",
    "stop.no_consent": "没关系。不同意的话我们不能继续登记。如有疑问，可以联系户籍所在地的村委会或社区居委会。想登记时，发 /start 重新开始。",
    "stop.deceased": "这次统计的是健在的表彰获得者，已去世的不在登记范围。感谢您的配合，如有疑问请联系户籍所在地的村委会或社区居委会。",
    "stop.serving": "现役军人不在这次统计登记范围内。退役后可以再登记。如有疑问请联系户籍所在地的村委会或社区居委会。",
    "stop.employer": "在机关、事业单位、国有企业或有主管部门的单位工作（含离退休）的同志，由本单位统一统计登记，请联系您的单位（人事部门）。这里不需要再登记，谢谢！",
    "stop.out_of_scope": "按照通知规定，这次只统计享受省部级以上表彰奖励获得者待遇的人员，您登记的表彰都不在范围内，所以不用登记，我们也没有保存您的个人信息。如有疑问，请联系户籍所在地的村委会或社区居委会。想重新登记请发 /start。",
    "cancel.ask": "确定要删除已经填写的内容吗？删除后不能恢复。",
    "cancel.done": "已经删除。想重新登记时发 /start。",
    "cancel.kept": "好的，内容都保留着，我们继续。",
    "edit.current": "原来填的是：{value}",
    "edit.menu": "要修改哪一项？",
    "edit.award_field": "第{n}项·{label}",
    "hukou.matches": "找到这些地方，请点选（“{query}”）：",
    "hukou.where": "当前位置：{where}",
    # --- questions (q.<field key>) ---
    "q.consent": "开始之前：登记需要获奖人的姓名、身份证号码、电话等信息，只用于这次表彰人员统计登记，加密保存，只有户籍所在地村（社区）和乡镇（街道）的工作人员能看到。您同意吗？",
    "q.filled_by": "请问是谁在填写？",
    "q.alive": "获奖人现在健在吗？",
    "q.serving": "获奖人现在是现役军人吗？",
    "q.person_category": "获奖人现在属于哪一类？",
    "q.title": "获得的荣誉称号是什么？可以点下面的按钮、照着证书打字，也可以直接把荣誉证书拍照发给我，我来读。",
    "q.awarding_body": "是哪个机关表彰的（证书或文件上盖章的单位）？",
    "q.award_date": "是哪年哪月表彰的？例如：2015年4月",
    "q.military_honour": "在部队获得的是哪一种？",
    "q.veteran": "获奖人现在已经退役了吗？",
    "q.ministry_confirmed_by_mop": "原国家人事部有没有发文确认这个称号升级，或享受省部级劳动模范待遇？",
    "q.hrss_approved": "这个称号是经过人社部（原人事部）批准授予的吗？",
    "q.treatment": "表彰文件里写明享受什么待遇？",
    "q.honour_kept": "这个荣誉现在还保持着吗（没有被撤销）？",
    "q.document_number": "表彰文件的文号是多少？例如：吉发〔2020〕12号。记不清可以跳过。",
    "q.document_title": "表彰文件的名称是什么？例如：关于表彰……的决定。不知道可以跳过。",
    "q.certificate_photos": "请把荣誉证书拍照发给我（可以发几张）。拍清楚、拍完整。用“文件”方式发送会更清晰。",
    "q.document_photos": "请拍表彰文件：首页，和有获奖人名字的那一页。发完请点“完成”。",
    "q.mop_photos": "请拍原国家人事部的确认文件发给我。",
    "q.discharge_photos": "请拍退役证（退伍证）发给我。",
    "q.more_awards": "还有其他省部级以上的表彰吗？",
    "q.name": "获奖人的姓名是？",
    "q.gender": "获奖人的性别？",
    "q.id_number": "请输入获奖人的身份证号码（18位）。",
    "q.birth_date": "按身份证号码，出生年月是 {year}年{month}月，对吗？",
    "q.ethnicity": "获奖人的民族？常见的可以直接点，其他请打字。",
    "q.political_status": "获奖人的政治面貌？",
    "q.education": "获奖人的文化程度？",
    "q.work_unit": "请写工作单位名称和职务。",
    "q.hukou_code": "户口在哪里？请一级一级点选到村（社区），也可以直接打村名。",
    "q.hukou_address": "户籍的详细地址？例如：3组15号。",
    "q.residence": "现在住在哪里？和户籍地址一样就点下面的按钮。",
    "q.phone": "获奖人的联系电话？可以打手机号，也可以点下面的按钮直接发送本机号码。",
    "q.portrait_photos": "如果方便，请发一张获奖人近期的免冠照片（正面、不戴帽子）。没有可以跳过。",
    "q.personnel_file": "获奖人有没有人事档案记录？",
    "q.hardship": "获奖人目前生活有困难吗？",
    "q.hardship_note": "请简单说一下困难情况（一两句话就行）。",
    "q.remarks": "还有什么需要说明的吗？没有可以跳过。",
    "q.proxy_name": "请问代为填写的人叫什么名字？",
    "q.proxy_relation": "您和获奖人是什么关系？",
    "q.proxy_phone": "您的联系电话？",
    "submitted": "✅ 提交成功！登记编号：{reg_no}\n已交给“{where}”审核，审核结果会在这里通知您。发 /status 可以随时查看进度。",
    "status.none": "您还没有登记记录。发 /start 开始登记。",
    "status.unnamed": "（姓名未填）",
    "status.draft": "📝 {name}：还在填写中，发 /start 接着填。",
    "status.submitted": "⏳ {name}（{reg_no}）：已提交，等待村（社区）审核。",
    "status.returned": "↩️ {name}（{reg_no}）：被退回修改，发 /start 查看原因并修改。",
    "status.confirmed": "✅ {name}（{reg_no}）：村（社区）已确认。",
    "status.rejected": "❌ {name}（{reg_no}）：不予登记。",
    "status.exported": "📤 {name}（{reg_no}）：已确认并报送乡镇（街道）。",
    "help": "这是吉林省表彰奖励获得者统计登记助手。\n/start 开始或接着填写\n/status 查看登记进度\n/cancel 删除正在填写的内容\n/help 显示这段说明\n有问题可以联系户籍所在地的村委会或社区居委会。",
    "cmd.start": "开始或接着登记",
    "cmd.status": "查看登记进度",
    "cmd.cancel": "删除正在填写的内容",
    "cmd.help": "使用说明",
    "cancel.nothing": "现在没有正在填写的内容。",
    "error.generic": "抱歉，刚才出了点问题，您填的内容都保存着。请再发一次，或发 /start 继续。",
    # --- summary card ---
    "summary.title": "请核对填写的内容：",
    "summary.section.A": "【基本信息】",
    "summary.section.B": "【表彰奖励情况】",
    "summary.section.C": "【其他】",
    "summary.award": "第{n}项：{title}",
    "summary.category": "统计类别：{value}",
    "summary.uncertain": "待核实",
    "summary.empty": "（未填）",
    "summary.photos": "{n} 张",
    "summary.use_buttons": "都填好了，请核对后点下面的按钮。",
    # --- buttons ---
    "btn.skip": "跳过",
    "btn.keep": "不改了",
    "btn.done": "完成",
    "btn.photo_later": "暂时没有，以后再补",
    "btn.share_phone": "📱 发送本机号码",
    "btn.browse": "一级一级地选",
    "btn.prev": "◀ 上一页",
    "btn.next": "下一页 ▶",
    "btn.up": "返回上一级",
    "btn.cancel_yes": "确定删除",
    "btn.cancel_no": "继续填写",
    "btn.submit": "✅ 确认提交",
    "btn.edit": "✏️ 修改",
    # --- eligibility rules (rule.*) and the reasons given with a verdict (why.*) ---
    "rule.N1": (
        "2018年以前党中央、国务院、中央军委表彰，文件写明享受全国劳动模范（先进工作者）待遇（N1）"
    ),
    "rule.N2": (
        "2018年以后党中央、国务院、中央军委表彰，文件写明享受国家级表彰奖励获得者待遇（N2）"
    ),
    "rule.P1": (
        "吉林省委、省政府表彰，文件写明享受省级劳动模范（先进工作者）或省级表彰奖励获得者待遇（P1）"
    ),
    "rule.P2": (
        "1995年以前国家部委授予劳动英雄、劳动模范、先进生产（工作）者称号，"
        "原国家人事部发文确认享受省部级待遇（P2）"
    ),
    "rule.P3": "1995年以后国家部委经人社部（原人事部）批准授予称号，文件写明享受省部级待遇（P3）",
    "rule.P4": (
        "服役期间立一等功，或被中央军委授权的大单位、军委机关部门授予荣誉称号的退役军人（P4）"
    ),
    "rule.scope": "这次只登记享受省部级以上表彰奖励获得者待遇的人员",
    "rule.alive_kept": "登记的是健在、仍保持荣誉的人员，不含现役军人",
    "why.ok": "您说的情况符合这一条，可以登记。最后还要由工作人员核对证书和文件。",
    "why.local": "市、县、乡镇级的表彰不在这次登记范围（只登记省部级以上的表彰）。",
    "why.other_province": "外省的表彰不在吉林省这次登记范围。",
    "why.no_treatment": "文件没有写明享受待遇的表彰，不在这次登记范围。",
    "why.revoked": "荣誉已经被撤销的，不在这次登记范围。",
    "why.serving": "现役军人不在这次登记范围，退役以后可以再登记。",
    "why.military_other": (
        "二等功、三等功等不在这次登记范围，只登记一等功和军委授权单位授予的荣誉称号。"
    ),
    "why.ministry_title": (
        "1995年以前部委的表彰，只有劳动英雄、劳动模范、先进生产（工作）者称号才在范围内。"
    ),
    "why.mop_no": "1995年以前部委的称号，要有原国家人事部发文确认才在登记范围。",
    "why.hrss_no": "1995年以后部委的称号，要经过人社部（原人事部）批准才在登记范围。",
    "why.check_treatment": "需要工作人员看一下表彰文件，确认写明的是哪一种待遇。",
    "why.check_other_era": "文件写的待遇和表彰年份对不上，需要工作人员核实。",
    "why.check_date": "需要知道表彰的年月才能判断，请工作人员帮您核实。",
    "why.check_body": "需要工作人员核实是哪个机关表彰的。",
    "why.check_mop": "需要工作人员核实有没有原国家人事部的确认文件。",
    "why.check_hrss": "需要工作人员核实这个称号是不是经过人社部（原人事部）批准的。",
    "why.check_military": "需要工作人员核实立功或荣誉称号的情况。",
    "why.check_veteran": "需要工作人员核实您是不是已经退役。",
    "why.check_unsure": "有一项您选了“不清楚”，需要工作人员帮您核实。",
    # --- review by committees (keys review.*) ---
    # --- end review ---
    # --- OCR (keys ocr.*) ---
    "ocr.reading": "收到照片，正在识别，请稍等……",
    "ocr.offer": "照片上写着：{read}。对吗？",
    "ocr.accepted": "好的，按照片填好了。",
    "ocr.declined": "好的，请您自己填写。",
    "ocr.failed": "照片已经保存，但没能读出上面的字。没关系，请您打字回答。",
    "ocr.mismatch": "提醒一下：照片上的{label}是“{read}”，您填的是“{typed}”。如果填错了，可以在最后核对时修改；没错就不用管，工作人员会核实。",
    "photo.kept": "照片已经保存。",
    "btn.ocr_yes": "对",
    "btn.ocr_no": "改一下",
    # --- end OCR ---
}

TEXTS: dict[str, dict[str, str]] = {"zh-CN": ZH_CN}


def t(key: str, lang: str = "zh-CN", /, **params: object) -> str:
    """Return the text for `key`, formatted with `params`; falls back to zh-CN."""
    table = TEXTS.get(lang, ZH_CN)
    template = table.get(key) or ZH_CN[key]
    return template.format(**params) if params else template
