"""What the office says it did: the public result notes of synthetic reports.

Resolving a report needs a result note (``routing.workflow.resolution``), shown on
the public tracking page of every resolved or closed report. The demo writes one
per finished report: a short phrase of the kind officers write for its category,
picked by a hash of the report id (repeatable, like ``texts``). No names or
numbers: nothing here is personal.

The demo categories keep ``requires_after_photo`` off: generating image files for
thousands of synthetic reports is not worth it, and the rule is exercised by the
tests instead.
"""

from __future__ import annotations

from demo.synthetic.texts import pick_sql, quote_sql

RESULT_NOTES: dict[str, tuple[str, ...]] = {
    "TTDT": (
        "Đã nhắc nhở các hộ kinh doanh, dọn trả lại vỉa hè cho người đi bộ.",
        "Đã lập biên bản, tháo dỡ biển quảng cáo dựng trái phép.",
    ),
    "TTXD": (
        "Đã kiểm tra công trình, yêu cầu che chắn và dọn vật liệu khỏi lòng đường.",
        "Đã lập biên bản vi phạm, yêu cầu chủ công trình dừng thi công ngoài giờ.",
    ),
    "VSMT": (
        "Đã thu gom rác, vệ sinh khu vực.",
        "Đã thu dọn điểm rác tự phát, bố trí lịch thu gom bổ sung.",
    ),
    "ONMT": (
        "Đã kiểm tra cơ sở, yêu cầu khắc phục nguồn khói và nước thải.",
        "Đã lấy mẫu kiểm tra, nhắc nhở cơ sở giảm tiếng ồn theo quy định.",
    ),
    "HTGT": (
        "Đã vá ổ gà, hoàn trả mặt đường.",
        "Đã thay nắp hố ga mới, đặt biển cảnh báo trong lúc thi công.",
    ),
    "CSDT": (
        "Đã thay bóng và sửa tủ điều khiển, đèn đường sáng trở lại.",
        "Đã chỉnh lại giờ bật tắt đèn đường.",
    ),
    "DIEN": (
        "Đã căng lại dây điện đúng độ cao an toàn.",
        "Đã khóa tủ điện và kiểm tra an toàn khu vực.",
    ),
    "CTN": (
        "Đã nạo vét cống, nước thoát bình thường.",
        "Đã sửa chữa đường ống bị vỡ, cấp nước trở lại.",
    ),
    "CXCV": (
        "Đã cắt tỉa cành gãy, dọn sạch lòng đường.",
        "Đã chằng chống cây nghiêng, sửa lại vỉa hè.",
    ),
    "ATGT": (
        "Đã cắt tỉa cây, biển báo nhìn rõ trở lại.",
        "Đã bố trí lực lượng điều tiết giao thông giờ cao điểm.",
    ),
    "ANTT": (
        "Đã tăng cường tuần tra khu vực.",
        "Công an phường đã xác minh và xử lý theo quy định.",
    ),
    "DDAI": (
        "Đã kiểm tra hiện trạng, yêu cầu tháo dỡ rào chắn trên đất công.",
        "Đã mời các bên làm việc, hướng dẫn thủ tục giải quyết.",
    ),
    "VT": (
        "Đơn vị viễn thông đã thu gọn cáp, nâng cao độ an toàn.",
        "Đã đóng tủ cáp và sắp xếp lại dây.",
    ),
    "YTE": (
        "Đã kiểm tra vệ sinh an toàn thực phẩm, nhắc nhở cơ sở khắc phục.",
        "Đã phun thuốc diệt muỗi toàn khu vực.",
    ),
    "GDUC": (
        "Nhà trường đã gia cố cổng, đặt biển cảnh báo.",
        "Đã khơi thông rãnh thoát nước đường vào trường.",
    ),
    "DLICH": (
        "Đã kiểm tra, yêu cầu niêm yết giá công khai.",
        "Đã bổ sung thùng rác và nhà vệ sinh tạm ở bãi biển.",
    ),
    "HCC": (
        "Đã trả kết quả hồ sơ và xin lỗi người dân vì sự chậm trễ.",
        "Đã bổ sung ghế chờ và hướng dẫn thủ tục tại bộ phận một cửa.",
    ),
    "KHAC": (
        "Đã kiểm tra hiện trường và xử lý theo thẩm quyền.",
        "Đã chuyển thông tin và phối hợp xử lý xong.",
    ),
}
# Categories not listed (added later by the province) say this.
FALLBACK = "Đã kiểm tra và xử lý xong."


def result_note_sql(id_sql: str, category_sql: str) -> str:
    """An SQL expression: the result note of the report with id ``id_sql`` and
    category code ``category_sql``."""
    arms = [
        f"WHEN '{code}' THEN (ARRAY[{', '.join(quote_sql(t) for t in notes)}])"
        f"[{pick_sql(id_sql, len(notes), 40503)}]"
        for code, notes in RESULT_NOTES.items()
    ]
    return f"CASE {category_sql} {' '.join(arms)} ELSE {quote_sql(FALLBACK)} END"
