"""What the synthetic reports say, and which of them the public may read.

A demo whose reports have no words shows empty timelines, empty Open311 descriptions
and nothing on a public page. Each category has a few descriptions of the kind
citizens write (short, concrete, a place hint, no names or numbers: nothing here is
personal, so the public text is the description itself). A report picks one by a
hash of its id, so a run is repeatable without another random draw.

Publication follows ``routing.reports.publication``'s states: a share of the
finished reports of non-sensitive categories are approved for the public (as if the
citizen asked and the operations centre agreed), a few recent open ones await the
operations centre's review, the rest stay private.
"""

from __future__ import annotations

DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "TTDT": (
        "Hàng quán lấn chiếm vỉa hè, người đi bộ phải xuống lòng đường.",
        "Xe đẩy bán hàng rong đậu kín lối vào hẻm vào giờ tan tầm.",
        "Biển quảng cáo dựng trái phép trên vỉa hè trước chợ.",
    ),
    "TTXD": (
        "Công trình đang xây đổ vật liệu ra đường, không che chắn.",
        "Nhà dân cơi nới lấn ra hành lang an toàn đường bộ.",
        "Công trình xây dựng làm việc sau 22 giờ, gây ồn cả khu phố.",
    ),
    "VSMT": (
        "Rác thải tồn đọng nhiều ngày ở góc đường, bốc mùi hôi.",
        "Điểm tập kết rác tự phát cạnh bờ sông, chưa được thu gom.",
        "Xe thu gom rác không đến theo lịch, rác tràn ra lòng đường.",
    ),
    "ONMT": (
        "Cơ sở sản xuất xả khói đen vào buổi tối, người dân khó thở.",
        "Nước thải có màu và mùi lạ chảy ra mương thoát nước.",
        "Tiếng ồn từ xưởng cơ khí kéo dài cả ngày.",
    ),
    "HTGT": (
        "Ổ gà lớn giữa đường, xe máy dễ bị ngã khi trời mưa.",
        "Mặt đường bị lún, nứt dài khoảng chục mét.",
        "Nắp hố ga bị vỡ, nguy hiểm cho người đi đường.",
    ),
    "CSDT": (
        "Cả dãy đèn đường không sáng, đoạn đường tối om vào ban đêm.",
        "Đèn đường sáng cả ban ngày, lãng phí điện.",
        "Cột đèn bị nghiêng sau bão, có nguy cơ đổ.",
    ),
    "DIEN": (
        "Dây điện võng thấp qua đường, xe tải có thể vướng.",
        "Mất điện nhiều lần trong tuần ở khu dân cư.",
        "Tủ điện hở cửa, trẻ em chơi gần đó.",
    ),
    "CTN": (
        "Đường ngập sâu sau mưa, nước không thoát được.",
        "Cống thoát nước bị tắc, nước bẩn tràn lên mặt đường.",
        "Ống nước bị vỡ, nước chảy thành dòng trên vỉa hè.",
    ),
    "CXCV": (
        "Cây xanh gãy cành sau gió lớn, chắn một phần lòng đường.",
        "Cây cổ thụ bị nghiêng, rễ làm vỡ vỉa hè.",
        "Ghế và đèn trong công viên bị hư hỏng.",
    ),
    "ATGT": (
        "Biển báo giao thông bị che khuất bởi cây xanh.",
        "Ngã tư không có đèn tín hiệu, thường xuyên xảy ra va chạm.",
        "Xe đỗ dưới lòng đường trước trường học giờ tan học.",
    ),
    "ANTT": (
        "Nhóm thanh niên tụ tập gây ồn ào khuya.",
        "Có hiện tượng trộm cắp xe đạp ở khu vực này.",
        "Đua xe trái phép trên đường ven biển ban đêm.",
    ),
    "DDAI": (
        "Đất công bị rào chiếm làm bãi giữ xe.",
        "Tranh chấp ranh giới đất giữa hai hộ, đề nghị xem xét.",
        "San lấp ao hồ trái phép.",
    ),
    "VT": (
        "Cáp viễn thông rủ xuống thấp, vướng người đi đường.",
        "Tủ cáp viễn thông bị mở, dây nhợ lộn xộn.",
        "Cột ăng-ten dựng giữa khu dân cư chưa rõ giấy phép.",
    ),
    "YTE": (
        "Quán ăn không đảm bảo vệ sinh, thức ăn để ngoài trời.",
        "Nhiều muỗi, đề nghị phun thuốc phòng sốt xuất huyết.",
        "Bán thực phẩm không rõ nguồn gốc ở chợ tạm.",
    ),
    "GDUC": (
        "Cổng trường xuống cấp, có nguy cơ đổ.",
        "Đường vào trường ngập nước mỗi khi mưa.",
        "Thiếu nhà vệ sinh sạch cho học sinh.",
    ),
    "DLICH": (
        "Dịch vụ cho thuê ghế trên bãi biển thu giá quá cao.",
        "Nhà hàng không niêm yết giá, chặt chém du khách.",
        "Khu vực bãi biển thiếu thùng rác và nhà vệ sinh công cộng.",
    ),
    "HCC": (
        "Thủ tục cấp giấy tờ chậm so với hẹn trả.",
        "Bộ phận một cửa đông, không có chỗ ngồi chờ.",
        "Đề nghị hướng dẫn rõ hơn hồ sơ cần nộp.",
    ),
    "KHAC": (
        "Chó thả rông trên đường, nhiều người bị rượt đuổi.",
        "Loa phát thanh phường phát quá to vào sáng sớm.",
        "Đề nghị lắp thêm bảng tên đường.",
    ),
}
# Categories not listed (added later by the province) say this.
FALLBACK = ("Đề nghị cơ quan chức năng kiểm tra, xử lý.",)

# Shares, by a second hash of the id: finished reports approved for the public,
# and open ones awaiting review.
APPROVED_SHARE = 0.25
PENDING_SHARE = 0.3


def pick_sql(id_sql: str, n: int, salt: int) -> str:
    """A repeatable index in 1..n from the report id (a multiplicative hash)."""
    return f"(mod(({id_sql}) * {salt}, {n}) + 1)"


def description_sql(id_sql: str, category_sql: str) -> str:
    """An SQL expression: the description of the report with id ``id_sql`` and
    category code ``category_sql``."""
    arms = [
        f"WHEN '{code}' THEN (ARRAY[{', '.join(quote_sql(t) for t in texts)}])"
        f"[{pick_sql(id_sql, len(texts), 2654435)}]"
        for code, texts in DESCRIPTIONS.items()
    ]
    return f"CASE {category_sql} {' '.join(arms)} ELSE {quote_sql(FALLBACK[0])} END"


def publication_sql(*, id_sql: str, status_sql: str, sensitive_sql: str) -> str:
    """An SQL expression: the report's publication state (see the docstring)."""
    draw = f"(mod(({id_sql}) * 40503, 1000) / 1000.0)"
    return (
        f"CASE WHEN {sensitive_sql} THEN 'private' "
        f"WHEN {status_sql} IN ('resolved', 'closed') AND {draw} < {APPROVED_SHARE} "
        "THEN 'approved' "
        f"WHEN {status_sql} IN ('received', 'assigned', 'in_progress') "
        f"AND {draw} < {PENDING_SHARE} THEN 'pending' "
        "ELSE 'private' END"
    )


def quote_sql(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
