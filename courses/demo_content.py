"""Demo courses in Vietnamese, written for this project.

Facts cite the legal documents.
"""

# -----------------------------------------------------------------------------
# Khóa 1: Luật An ninh mạng dành cho học sinh
# -----------------------------------------------------------------------------

# Bài 1: Luật An ninh mạng điều chỉnh những gì?
_C1_L1 = {
    "slug": "luat-an-ninh-mang-dieu-chinh-nhung-gi",
    "title": "Luật An ninh mạng điều chỉnh những gì?",
    "estimated_minutes": 8,
    "required": True,
    "legal_refs": [("116/2025/QH15", "1"), ("116/2025/QH15", "2")],
    "principles": ["Tôn trọng, tuân thủ pháp luật"],
    "body": [
        ("heading", {"text": "Vì sao cần có Luật An ninh mạng?", "level": "h2"}),
        (
            "rich_text",
            (
                "<p>Mỗi ngày em học trực tuyến, nhắn tin với bạn, xem video, chơi "
                "game. Tất cả diễn ra trên <b>không gian mạng</b>. Cũng như ngoài "
                "đời, nơi đây cần có luật để mọi người được an toàn.</p><p>Luật An "
                "ninh mạng hiện hành là Luật số 116/2025/QH15, được Quốc hội khóa XV "
                "thông qua ngày 10/12/2025 và có hiệu lực từ ngày 01/7/2026. Luật "
                "này thay thế Luật An ninh mạng năm 2018 và Luật An toàn thông tin "
                "mạng năm 2015.</p>"
            ),
        ),
        (
            "legal_article",
            {
                "document": "Luật An ninh mạng số 116/2025/QH15",
                "article": "Điều 1",
                "clause": "Khoản 1",
                "title": "Phạm vi điều chỉnh và đối tượng áp dụng",
                "quote": (
                    "Luật này quy định về an ninh mạng, bảo vệ an ninh mạng; quyền, "
                    "nghĩa vụ, trách nhiệm của cơ quan, tổ chức, cá nhân có liên quan."
                ),
                "quote_source": (
                    "https://thuviennhadat.vn/van-ban-phap-luat-viet-nam/luat-an-"
                    "ninh-mang-2025-so-116-2025-qh15-666020.html"
                ),
                "explanation": (
                    "<p>Nói gọn lại, luật trả lời hai câu hỏi:</p><ul><li>Thế nào là "
                    "an ninh mạng và cần làm gì để bảo vệ nó?</li><li>Mỗi cơ quan, "
                    "tổ chức và <b>mỗi người</b>, trong đó có em, có quyền, nghĩa vụ "
                    "và trách nhiệm gì?</li></ul>"
                ),
            },
        ),
        ("heading", {"text": "Hai khái niệm cần hiểu đúng", "level": "h3"}),
        (
            "callout",
            {
                "kind": "tip",
                "title": "Không gian mạng là gì?",
                "text": (
                    "<p>Hiểu một cách đơn giản, không gian mạng là nơi mạng viễn "
                    "thông, mạng Internet, mạng máy tính, hệ thống thông tin và cơ "
                    "sở dữ liệu kết nối với nhau; ở đó con người giao tiếp, học tập, "
                    "làm việc mà không bị giới hạn bởi khoảng cách và thời gian. Bài "
                    "này tóm lược bằng lời của người soạn, chưa trích nguyên văn; "
                    "khi cần căn cứ chính xác, hãy đọc văn bản gốc trên "
                    "vanban.chinhphu.vn.</p><p>Internet, mạng điện thoại, ứng dụng "
                    "nhắn tin, mạng xã hội, trò chơi trực tuyến đều thuộc không gian "
                    "mạng. Một dòng bình luận có thể đến với hàng nghìn người trong "
                    "vài phút và tồn tại rất lâu, kể cả khi em đã xóa.</p>"
                ),
            },
        ),
        (
            "legal_article",
            {
                "document": "Luật An ninh mạng số 116/2025/QH15",
                "article": "Điều 2",
                "clause": "Khoản 1",
                "title": "Giải thích từ ngữ: an ninh mạng",
                "quote": (
                    "An ninh mạng là sự ổn định, an ninh, an toàn của không gian "
                    "mạng; bảo vệ hệ thống thông tin và bảo đảm thông tin, dữ liệu, "
                    "hoạt động trên không gian mạng không gây phương hại đến an ninh "
                    "quốc gia, trật tự, an toàn xã hội, (…)"
                ),
                "quote_source": (
                    "https://thuviennhadat.vn/van-ban-phap-luat-viet-nam/luat-an-"
                    "ninh-mang-2025-so-116-2025-qh15-666020.html"
                ),
                "explanation": (
                    "<p>An ninh mạng không chỉ là chuyện của quốc gia: định nghĩa "
                    "nói đến sự an toàn của chính không gian mạng, của hệ thống "
                    "thông tin, thông tin và dữ liệu trên đó. Phần cuối của khoản "
                    "này được lược bớt ở đây; hãy đọc trọn trong văn bản "
                    "gốc.</p><p>Tài khoản, danh dự, đời tư của em và bạn bè cũng "
                    "được pháp luật bảo vệ.</p>"
                ),
            },
        ),
        (
            "callout",
            {
                "kind": "remember",
                "title": "Trên mạng vẫn có pháp luật",
                "text": (
                    "<p>Theo pháp luật, người vi phạm tùy tính chất, mức độ có "
                    "thể bị xử lý kỷ luật, xử phạt vi phạm hành chính hoặc truy cứu "
                    "trách nhiệm hình sự; nếu gây thiệt hại thì phải bồi thường.</p>"
                ),
            },
        ),
        (
            "scenario",
            {
                "situation": (
                    "<p>Giờ ra chơi, bạn Tuấn nói: “Trên mạng dùng nick ảo thì nói gì "
                    "cũng được, luật đâu có quản.”</p>"
                ),
                "question": "Em sẽ trả lời Tuấn thế nào?",
                "options": [
                    "Đồng ý với Tuấn, vì nick ảo thì không ai biết là mình.",
                    (
                        "Giải thích cho Tuấn rằng hành vi trên mạng vẫn chịu sự điều "
                        "chỉnh của pháp luật."
                    ),
                    "Im lặng cho qua, vì không phải chuyện của mình.",
                ],
                "recommended": (
                    "<p>Hãy nói với Tuấn rằng không gian mạng không phải vùng ngoài "
                    "vòng pháp luật. Luật An ninh mạng điều chỉnh cả trách nhiệm của "
                    "từng cá nhân.</p><p>Nick ảo cũng không giúp ẩn danh hoàn toàn: "
                    "nhà cung cấp dịch vụ phải xác thực thông tin khi người dùng đăng "
                    "ký tài khoản và cung cấp thông tin cho cơ quan chức năng khi có "
                    "yêu cầu theo quy định.</p>"
                ),
            },
        ),
        (
            "callout",
            {
                "kind": "tip",
                "title": "Lưu ý cập nhật pháp luật",
                "text": (
                    "<p>Từ ngày 01/7/2026, Luật An ninh mạng số 116/2025/QH15 thay "
                    "thế Luật An ninh mạng số 24/2018/QH14 và Luật An toàn thông tin "
                    "mạng năm 2015. Bài học này đã được cập nhật theo luật "
                    "mới.</p><p>Luật có thể tiếp tục được sửa đổi. Hãy tra cứu văn "
                    "bản mới nhất trên <a "
                    'href="https://vanban.chinhphu.vn">vanban.chinhphu.vn</a>. Các '
                    "thói quen an toàn trong khóa học này vẫn luôn cần thiết.</p>"
                ),
            },
        ),
        (
            "key_takeaways",
            {
                "title": "Ghi nhớ",
                "items": [
                    (
                        "Luật An ninh mạng số 116/2025/QH15 thông qua ngày 10/12/2025, "
                        "có hiệu lực từ 01/7/2026."
                    ),
                    (
                        "Luật quy định về an ninh mạng, bảo vệ an ninh mạng và quyền, "
                        "nghĩa vụ, trách nhiệm của cơ quan, tổ chức, cá nhân."
                    ),
                    (
                        "Không gian mạng gồm Internet, mạng viễn thông, mạng máy tính, "
                        "hệ thống thông tin, cơ sở dữ liệu."
                    ),
                    "An ninh mạng bảo vệ cả quyền và lợi ích hợp pháp của từng người.",
                    "Vi phạm trên mạng có thể bị xử lý như vi phạm ngoài đời.",
                ],
            },
        ),
    ],
}

# Bài 2: Những hành vi bị nghiêm cấm trên không gian mạng
_C1_L2 = {
    "slug": "hanh-vi-bi-nghiem-cam-tren-khong-gian-mang",
    "title": "Những hành vi bị nghiêm cấm trên không gian mạng",
    "estimated_minutes": 10,
    "required": True,
    "legal_refs": [],
    "principles": ["Tôn trọng, tuân thủ pháp luật", "Lành mạnh"],
    "body": [
        ("heading", {"text": "Những hành vi bị nghiêm cấm", "level": "h2"}),
        (
            "rich_text",
            (
                "<p>Luật An ninh mạng 2025 có một điều riêng liệt kê các hành vi bị "
                "nghiêm cấm về an ninh mạng: từ việc dùng không gian mạng để đăng "
                "tải, phát tán thông tin chống phá Nhà nước, thông tin bịa đặt, sai "
                "sự thật, xâm phạm danh dự, nhân phẩm của người khác, đến việc chiếm "
                "đoạt, mua bán, cố ý làm lộ thông tin bí mật cá nhân, đời sống riêng "
                "tư.</p><p>Bài này tập trung vào những điểm gần với học sinh nhất và "
                "tóm lược bằng lời của người soạn; khi cần căn cứ chính xác, hãy đọc "
                "văn bản gốc.</p>"
            ),
        ),
        (
            "callout",
            {
                "kind": "warning",
                "title": "Những hành vi bị nghiêm cấm gần với học sinh",
                "text": (
                    "<p>Luật An ninh mạng 2025 có một điều riêng liệt kê các hành vi "
                    "bị nghiêm cấm. Trong đó có dùng không gian mạng để đăng tải, "
                    "phát tán thông tin bịa đặt, vu khống, sai sự thật, thông tin "
                    "xâm phạm nhân phẩm, danh dự, uy tín của người khác. Bài này tóm "
                    "lược bằng lời của người soạn, chưa trích nguyên văn; khi cần "
                    "căn cứ chính xác, hãy đọc văn bản gốc trên "
                    "vanban.chinhphu.vn.</p><p>Một vài ví dụ gần gũi:</p><ul><li>Bịa "
                    "tin “trường cho nghỉ học vì dịch bệnh” khiến phụ huynh hoang "
                    "mang.</li><li>Ghép ảnh, bịa chuyện để bôi nhọ một bạn cùng "
                    "lớp.</li><li>Chia sẻ lại những nội dung đó, dù mình không phải "
                    "người viết ra.</li></ul>"
                ),
            },
        ),
        (
            "callout",
            {
                "kind": "remember",
                "title": "Xúc phạm, vu khống trên mạng là vi phạm pháp luật",
                "text": (
                    "<p>Luật An ninh mạng 2025 nghiêm cấm dùng không gian mạng để "
                    "bịa đặt, vu khống, đưa thông tin sai sự thật xâm phạm nhân "
                    "phẩm, danh dự, uy tín của người khác. Bài này tóm lược bằng lời "
                    "của người soạn, chưa trích nguyên văn; khi cần căn cứ chính "
                    "xác, hãy đọc văn bản gốc trên vanban.chinhphu.vn.</p><p>Lăng "
                    "mạ, ghép ảnh bôi nhọ, bịa chuyện về một người bạn không phải "
                    "“trò đùa trên mạng” mà là hành vi luật không cho phép.</p>"
                ),
            },
        ),
        (
            "callout",
            {
                "kind": "warning",
                "title": "“Chỉ chia sẻ lại” cũng phải chịu trách nhiệm",
                "text": (
                    "<p>Luật An ninh mạng 2025 nghiêm cấm cả việc <b>phát tán</b> "
                    "thông tin bịa đặt, sai sự thật, xúc phạm danh dự, nhân phẩm "
                    "người khác. Người bấm “chia sẻ” không thể nói “tôi chỉ đăng "
                    "lại”. Mức xử phạt cụ thể do nghị định xử phạt hiện hành quy "
                    "định.</p>"
                ),
            },
        ),
        (
            "callout",
            {
                "kind": "warning",
                "title": "“Hack nick”, phát tán mã độc không phải trò đùa",
                "text": (
                    "<p>Tự ý vào tài khoản, thiết bị của người khác và phát tán "
                    "chương trình gây hại là hành vi vi phạm pháp luật; Bộ luật Hình "
                    "sự 2015 có tội danh riêng cho việc xâm nhập trái phép vào mạng "
                    "máy tính, phương tiện điện tử của người khác (Điều 289) và việc "
                    "phát tán chương trình tin học gây hại (Điều 286).</p><p>Đoán "
                    "mật khẩu để vào tài khoản của bạn bè, cài ứng dụng theo dõi lên "
                    "điện thoại người khác, gửi đường link chứa mã độc đều là hành "
                    "vi bị cấm, kể cả khi em nói là “chỉ để đùa”.</p>"
                ),
            },
        ),
        (
            "scenario",
            {
                "situation": (
                    "<p>Nhóm chat của lớp 10A2 đang lan truyền một ảnh chế bạn Hà kèm "
                    "lời chế giễu ngoại hình. Vài bạn rủ em thả cảm xúc “haha” và chia "
                    "sẻ ảnh sang nhóm khác cho vui.</p>"
                ),
                "question": "Em sẽ làm gì?",
                "options": [
                    "Thả “haha” cho hòa đồng, vì mọi người đều làm vậy.",
                    "Chia sẻ sang nhóm khác, vì mình không phải người làm ảnh.",
                    "Không hưởng ứng, nhắc nhóm dừng lại và báo giáo viên chủ nhiệm.",
                ],
                "recommended": (
                    "<p>Không thả cảm xúc, không chia sẻ: mỗi lượt tương tác làm nội "
                    "dung lan rộng và khiến Hà tổn thương thêm.</p><p>Nếu thấy an "
                    "toàn, hãy nhắn vào nhóm một câu bình tĩnh như “Thôi dừng lại nhé, "
                    "thế này là xúc phạm bạn ấy”. Sau đó báo giáo viên chủ nhiệm và "
                    "hỏi thăm Hà.</p>"
                ),
            },
        ),
        (
            "key_takeaways",
            {
                "title": "Ghi nhớ",
                "items": [
                    (
                        "Luật An ninh mạng 2025 liệt kê các hành vi bị nghiêm cấm trên "
                        "không gian mạng."
                    ),
                    (
                        "Không đăng, không chia sẻ thông tin sai sự thật, đồi trụy, "
                        "bạo lực; không rủ rê người khác làm điều sai trái."
                    ),
                    "Làm nhục, vu khống người khác trên mạng là vi phạm pháp luật.",
                    (
                        "Xâm nhập tài khoản, thiết bị của người khác là hành vi bị "
                        "cấm, dù “chỉ để đùa”."
                    ),
                    "Người chia sẻ lại tin sai cũng có thể bị xử phạt.",
                ],
            },
        ),
    ],
}

# Bài 3: Bảo vệ thông tin cá nhân và tài khoản số
_C1_L3 = {
    "slug": "bao-ve-thong-tin-ca-nhan-va-tai-khoan-so",
    "title": "Bảo vệ thông tin cá nhân và tài khoản số",
    "estimated_minutes": 10,
    "required": True,
    "legal_refs": [("116/2025/QH15", "2"), ("91/2025/QH15", "2")],
    "principles": ["An toàn, bảo mật thông tin"],
    "body": [
        ("heading", {"text": "Tài khoản số là “chìa khóa” của em", "level": "h2"}),
        (
            "rich_text",
            (
                "<p>Tài khoản số là thông tin em dùng để đăng nhập và được quyền sử "
                "dụng một ứng dụng, dịch vụ trên không gian mạng.</p><p>Tài khoản "
                "Zalo, Facebook, email, tài khoản học trực tuyến, ví điện tử… đều là "
                "tài khoản số. Mất tài khoản, kẻ xấu có thể mạo danh em để lừa người "
                "thân và bạn bè.</p>"
            ),
        ),
        (
            "callout",
            {
                "kind": "remember",
                "title": "Bí mật cá nhân, đời sống riêng tư được pháp luật bảo vệ",
                "text": (
                    "<p>Luật An ninh mạng 2025 nghiêm cấm chiếm đoạt, mua bán, cố ý "
                    "làm lộ thông tin thuộc bí mật cá nhân, đời sống riêng tư của "
                    "người khác trên không gian mạng; Luật Bảo vệ dữ liệu cá nhân "
                    "2025 bảo vệ dữ liệu cá nhân của mỗi người. Bài này tóm lược "
                    "bằng lời của người soạn, chưa trích nguyên văn; khi cần căn cứ "
                    "chính xác, hãy đọc văn bản gốc trên "
                    "vanban.chinhphu.vn.</p><p>Điều này cũng áp dụng với em: ghi âm "
                    "lén cuộc gọi với bạn bè rồi tung lên mạng là làm lộ đời tư của "
                    "bạn và có thể vi phạm pháp luật.</p>"
                ),
            },
        ),
        (
            "callout",
            {
                "kind": "tip",
                "title": "Nhà cung cấp dịch vụ và chính em đều có phần trách nhiệm",
                "text": (
                    "<p>Luật An ninh mạng 2025 và Luật Bảo vệ dữ liệu cá nhân 2025 "
                    "đặt trách nhiệm bảo vệ thông tin, dữ liệu của người dùng lên "
                    "các doanh nghiệp cung cấp dịch vụ trên mạng. Bài này tóm lược "
                    "bằng lời của người soạn, chưa trích nguyên văn; khi cần căn cứ "
                    "chính xác, hãy đọc văn bản gốc trên "
                    "vanban.chinhphu.vn.</p><p>Nhưng nếu em đặt mật khẩu “123456” "
                    "hay đưa mã OTP cho người lạ, không quy định nào giữ được tài "
                    "khoản thay em.</p>"
                ),
            },
        ),
        ("heading", {"text": "Ba lớp khóa cho tài khoản", "level": "h3"}),
        (
            "rich_text",
            (
                "<ol><li><b>Mật khẩu mạnh:</b> dài ít nhất 12 ký tự, có chữ hoa, chữ "
                "thường, số và ký hiệu; hoặc một cụm từ dài chỉ em biết. Không dùng "
                "ngày sinh, số điện thoại. Mỗi tài khoản một mật khẩu riêng.</li><li>"
                "<b>Xác thực hai lớp:</b> bật trong phần cài đặt bảo mật của ứng dụng. "
                "Khi kẻ xấu biết mật khẩu, chúng vẫn cần thêm mã xác thực gửi đến điện "
                "thoại của em.</li><li><b>Giữ kín mã OTP:</b> mã OTP là lớp khóa cuối "
                "cùng. Ai có mã này có thể đăng nhập hoặc chuyển tiền thay em.</li>"
                "</ol><p>Ngoài ra: đăng xuất khi dùng máy ở phòng tin học, chỉ cài ứng "
                "dụng từ kho chính thức, cập nhật phần mềm thường xuyên.</p>"
            ),
        ),
        (
            "callout",
            {
                "kind": "warning",
                "title": "Không ai chính đáng cần mã OTP của em",
                "text": (
                    "<p>Ngân hàng, nhà mạng, công an, thầy cô hay bạn bè đều không có "
                    "lý do để xin mã OTP của em. Ai xin mã OTP, dù bằng lý do gì, gần "
                    "như chắc chắn là lừa đảo.</p>"
                ),
            },
        ),
        (
            "scenario",
            {
                "situation": (
                    "<p>Bạn Mai nhận tin nhắn Messenger từ tài khoản của chị họ: “Chị "
                    "lỡ để mã xác nhận gửi về số của em, em đọc giúp chị 6 số đó nhé, "
                    "gấp lắm!”</p>"
                ),
                "question": "Em sẽ làm gì?",
                "options": [
                    "Đọc mã cho chị ngay, vì đó là người quen.",
                    "Không gửi mã, gọi điện trực tiếp cho chị để kiểm tra.",
                    "Gửi mã rồi đổi mật khẩu sau.",
                ],
                "recommended": (
                    "<p>Không gửi mã. Đây là chiêu chiếm tài khoản rất phổ biến: tài "
                    "khoản của chị có thể đã bị kẻ xấu chiếm, và mã gửi về máy Mai "
                    "chính là mã đăng nhập tài khoản của Mai.</p><p>Mai nên gọi điện "
                    "thoại trực tiếp cho chị bằng số đã biết. Nếu tài khoản của chị bị "
                    "chiếm, hãy báo người thân cảnh giác và báo cáo với nền tảng.</p>"
                ),
            },
        ),
        (
            "callout",
            {
                "kind": "tip",
                "title": "Nghi bị mất tài khoản? Làm ngay",
                "text": (
                    "<ul><li>Đổi mật khẩu, đăng xuất khỏi mọi thiết bị lạ.</li><li>Bật "
                    "xác thực hai lớp.</li><li>Dùng tính năng khôi phục tài khoản của "
                    "nền tảng.</li><li>Báo bạn bè, người thân đừng tin tin nhắn từ tài "
                    "khoản đó.</li><li>Kể với bố mẹ hoặc thầy cô để được giúp đỡ.</li>"
                    "</ul>"
                ),
            },
        ),
        (
            "key_takeaways",
            {
                "title": "Ghi nhớ",
                "items": [
                    (
                        "Tài khoản số là “chìa khóa” để em dùng các ứng dụng, dịch vụ "
                        "trên mạng."
                    ),
                    (
                        "Bí mật cá nhân, đời sống riêng tư được bảo vệ; cố ý làm lộ, "
                        "đưa lên mạng trái phép là vi phạm."
                    ),
                    (
                        "Nhà cung cấp dịch vụ phải bảo vệ thông tin, dữ liệu của người "
                        "dùng."
                    ),
                    (
                        "Dùng mật khẩu mạnh, riêng cho từng tài khoản và bật xác thực "
                        "hai lớp."
                    ),
                    "Không bao giờ đưa mã OTP cho bất kỳ ai.",
                ],
            },
        ),
    ],
}

# Bài 4: Bảo vệ trẻ em trên không gian mạng
_C1_L4 = {
    "slug": "bao-ve-tre-em-tren-khong-gian-mang",
    "title": "Bảo vệ trẻ em trên không gian mạng",
    "estimated_minutes": 10,
    "required": True,
    "legal_refs": [("116/2025/QH15", "16"), ("102/2016/QH13", "1")],
    "principles": ["An toàn, bảo mật thông tin", "Trách nhiệm"],
    "body": [
        ("heading", {"text": "Ai là “trẻ em” theo pháp luật?", "level": "h2"}),
        (
            "callout",
            {
                "kind": "remember",
                "title": "Trẻ em là người dưới 16 tuổi",
                "text": (
                    "<p>Luật Trẻ em năm 2016 (Điều 1) xác định trẻ em là người dưới "
                    "16 tuổi.</p><p>Nhiều bạn lớp 10 vẫn đang ở độ tuổi trẻ em. Các "
                    "bạn từ 16 đến dưới 18 tuổi là người chưa thành niên và vẫn được "
                    "pháp luật quan tâm bảo vệ. Những kỹ năng trong bài này cần cho "
                    "mọi lứa tuổi.</p>"
                ),
            },
        ),
        (
            "callout",
            {
                "kind": "remember",
                "title": "Quyền của trẻ em trên không gian mạng",
                "text": (
                    "<p>Điều 16 Luật An ninh mạng 2025 ghi nhận quyền của trẻ em "
                    "được tiếp cận thông tin, tham gia hoạt động xã hội, vui chơi, "
                    "giải trí, được bảo vệ bí mật cá nhân, đời sống riêng tư và các "
                    "quyền khác trên không gian mạng. Luật cũng quy định khi trẻ em "
                    "dùng dịch vụ trên mạng, cha mẹ hoặc người giám hộ đăng ký tài "
                    "khoản bằng thông tin của mình và giám sát nội dung trẻ em truy "
                    "cập, chia sẻ. Bài này tóm lược bằng lời của người soạn, chưa "
                    "trích nguyên văn; khi cần căn cứ chính xác, hãy đọc văn bản gốc "
                    "trên vanban.chinhphu.vn.</p><p>Luật không cấm trẻ em dùng mạng. "
                    "Ngược lại, luật khẳng định em có quyền học hỏi, vui chơi, kết "
                    "nối trên mạng và có quyền giữ bí mật cá nhân, đời sống riêng "
                    "tư.</p>"
                ),
            },
        ),
        (
            "callout",
            {
                "kind": "tip",
                "title": "Ai có trách nhiệm bảo vệ em trên mạng?",
                "text": (
                    "<p>Theo Điều 16 Luật An ninh mạng 2025, doanh nghiệp cung cấp "
                    "dịch vụ trên mạng phải kiểm soát nội dung, ngăn chặn việc chia "
                    "sẻ và xóa bỏ thông tin gây nguy hại cho trẻ em. Cha mẹ, thầy cô "
                    "và những người chăm sóc trẻ em có trách nhiệm bảo vệ em khi em "
                    "dùng mạng. Bài này tóm lược bằng lời của người soạn, chưa trích "
                    "nguyên văn; khi cần căn cứ chính xác, hãy đọc văn bản gốc trên "
                    "vanban.chinhphu.vn.</p><p>Đó là lý do nút <b>Báo cáo</b> có tác "
                    "dụng. Khi gặp chuyện, tìm đến cha mẹ, thầy cô là quyền của em, "
                    "không phải là “mách lẻo”.</p>"
                ),
            },
        ),
        ("heading", {"text": "Những mối nguy thường gặp", "level": "h3"}),
        (
            "rich_text",
            (
                "<ul><li>Người lạ làm quen, khen ngợi, tặng quà trong game rồi dụ gửi "
                "ảnh riêng tư, sau đó đe dọa, tống tiền.</li><li>Nội dung bạo lực, đồi "
                "trụy, các “thử thách” nguy hiểm.</li><li>Quảng cáo cờ bạc, vay tiền, "
                "“việc nhẹ lương cao”.</li><li>Để lộ trường, lớp, địa chỉ, lịch sinh "
                "hoạt qua ảnh và định vị.</li></ul>"
            ),
        ),
        (
            "scenario",
            {
                "situation": (
                    "<p>Bạn Linh quen một “anh” qua game online. Sau vài tuần trò "
                    "chuyện, khen ngợi, tặng vật phẩm trong game, người này xin Linh "
                    "gửi ảnh riêng tư và dặn: “Đừng kể với ai nhé, đây là bí mật của "
                    "hai đứa mình.”</p>"
                ),
                "question": "Em sẽ làm gì?",
                "options": [
                    "Gửi ảnh vì hai người đã thân nhau.",
                    "Dừng trò chuyện, không gửi ảnh và kể với người lớn tin cậy.",
                    "Hẹn gặp ngoài đời để xem người đó có thật không.",
                ],
                "recommended": (
                    "<p>Lời dặn “đừng kể với ai” là dấu hiệu cảnh báo. Linh nên dừng "
                    "trò chuyện, không gửi ảnh, không hẹn gặp. Chụp lại màn hình cuộc "
                    "trò chuyện, chặn và báo cáo tài khoản, rồi kể với bố mẹ hoặc thầy "
                    "cô.</p><p>Nếu đã lỡ gửi ảnh và bị đe dọa: không gửi thêm, không "
                    "chuyển tiền, báo ngay người lớn tin cậy và công an. Em là nạn "
                    "nhân, em không có lỗi.</p>"
                ),
            },
        ),
        (
            "callout",
            {
                "kind": "remember",
                "title": "Tổng đài quốc gia bảo vệ trẻ em 111",
                "text": (
                    "<p>Gọi <b>111</b> (miễn phí) để được tư vấn, hỗ trợ khi em hoặc "
                    "bạn em bị xâm hại, bị bạo lực, bị đe dọa, kể cả trên mạng.</p><p>"
                    "Khi có nguy hiểm trước mắt, gọi ngay Công an: <b>113</b>.</p>"
                ),
            },
        ),
        (
            "link_card",
            {
                "url": "https://tongdai111.vn",
                "title": "Tổng đài điện thoại quốc gia bảo vệ trẻ em 111",
                "description": (
                    "Gọi 111 miễn phí để được tư vấn, hỗ trợ khi trẻ em bị xâm hại, bị "
                    "bạo lực hoặc có nguy cơ bị xâm hại, kể cả trên môi trường mạng."
                ),
                "source": "Tổng đài 111",
            },
        ),
        (
            "key_takeaways",
            {
                "title": "Ghi nhớ",
                "items": [
                    "Trẻ em là người dưới 16 tuổi (Điều 1 Luật Trẻ em 2016).",
                    (
                        "Trẻ em có quyền được bảo vệ, tiếp cận thông tin, vui chơi và "
                        "giữ bí mật đời tư trên mạng (Điều 16 Luật An ninh mạng 2025)."
                    ),
                    (
                        "Nền tảng phải ngăn chặn, gỡ bỏ nội dung gây hại cho trẻ em; "
                        "cha mẹ, thầy cô có trách nhiệm bảo vệ em."
                    ),
                    (
                        "Người lạ xin ảnh riêng tư và dặn giữ bí mật là dấu hiệu nguy "
                        "hiểm."
                    ),
                    "Cần giúp đỡ: gọi Tổng đài 111; khi nguy hiểm: gọi 113.",
                ],
            },
        ),
    ],
}

# Bài 5: Trách nhiệm của người sử dụng không gian mạng
_C1_L5 = {
    "slug": "trach-nhiem-cua-nguoi-dung-khong-gian-mang",
    "title": "Trách nhiệm của người sử dụng không gian mạng",
    "estimated_minutes": 7,
    "required": True,
    "legal_refs": [("116/2025/QH15", "1")],
    "principles": ["Trách nhiệm", "Tôn trọng, tuân thủ pháp luật"],
    "body": [
        ("heading", {"text": "Mỗi người dùng đều có phần trách nhiệm", "level": "h2"}),
        (
            "rich_text",
            (
                "<p>Giữ an toàn trên mạng không chỉ là việc của công an hay nhà "
                "mạng. Luật An ninh mạng quy định quyền, nghĩa vụ, trách nhiệm của "
                "cơ quan, tổ chức, cá nhân, trong đó có em.</p>"
            ),
        ),
        (
            "callout",
            {
                "kind": "remember",
                "title": "Trách nhiệm của mỗi người dùng mạng",
                "text": (
                    "<p>Luật An ninh mạng 2025 quy định quyền, nghĩa vụ, trách nhiệm "
                    "của cả cơ quan, tổ chức và cá nhân (Điều 1). Luật năm 2018 "
                    "(Điều 42) đã nêu trách nhiệm của người dùng: tuân thủ pháp "
                    "luật, kịp thời báo tin về hành vi xâm phạm an ninh mạng cho cơ "
                    "quan có thẩm quyền và hợp tác khi được yêu cầu. Luật 2025 tiếp "
                    "tục quy định trách nhiệm này; bài chưa đối chiếu số điều và "
                    "nguyên văn của luật mới.</p><p>Ba trách nhiệm, nói theo cách "
                    "của học sinh:</p><ol><li><b>Tuân thủ:</b> không làm những việc "
                    "luật cấm.</li><li><b>Báo tin:</b> thấy nguy cơ, thấy vi phạm "
                    "thì báo cho người có trách nhiệm.</li><li><b>Hợp tác:</b> làm "
                    "theo hướng dẫn của cơ quan chức năng, nhà trường khi được yêu "
                    "cầu.</li></ol>"
                ),
            },
        ),
        (
            "rich_text",
            (
                "<p>Trong đời sống học sinh, điều đó có nghĩa là:</p><ul><li>Không "
                "tiếp tay: không chia sẻ, không bình luận cổ vũ nội dung sai trái.</li>"
                "<li>Thấy dấu hiệu nguy hiểm thì báo thầy cô, bố mẹ hoặc công an.</li>"
                "<li>Trung thực khi được hỏi, giữ lại bằng chứng nếu có.</li><li>Thực "
                "hiện nội quy của nhà trường về sử dụng điện thoại, mạng xã hội.</li>"
                "</ul>"
            ),
        ),
        (
            "scenario",
            {
                "situation": (
                    "<p>Trong một nhóm Facebook, bạn Đức thấy bài đăng hẹn “giải quyết "
                    "mâu thuẫn” giữa hai nhóm học sinh sau giờ học, kèm ảnh gậy gộc. "
                    "Bình luận bên dưới đang cổ vũ rất sôi nổi.</p>"
                ),
                "question": "Em sẽ làm gì?",
                "options": [
                    "Bình luận cổ vũ cho vui, vì mình không tham gia.",
                    "Lặng lẽ lướt qua, coi như không thấy.",
                    (
                        "Chụp màn hình, báo ngay cho thầy cô hoặc bố mẹ và báo cáo bài "
                        "viết."
                    ),
                ],
                "recommended": (
                    "<p>Đây là nguy cơ gây thương tích thật. Đức không nên bình luận, "
                    "mà cần chụp màn hình (có tên tài khoản, thời gian), báo ngay cho "
                    "thầy cô hoặc bố mẹ để nhà trường phối hợp với công an. Nếu sự "
                    "việc sắp xảy ra, gọi <b>113</b>.</p><p>Đó chính là trách nhiệm "
                    "“kịp thời cung cấp thông tin” của người dùng mạng.</p>"
                ),
            },
        ),
        (
            "callout",
            {
                "kind": "tip",
                "title": "Báo tin đúng cách",
                "text": (
                    "<p>Báo cho người có trách nhiệm, không “bóc phốt” công khai trên "
                    "mạng. Tự điều tra, tung tên tuổi người khác lên mạng có thể làm "
                    "hại người vô tội và làm khó việc xử lý.</p>"
                ),
            },
        ),
        (
            "key_takeaways",
            {
                "title": "Ghi nhớ",
                "items": [
                    (
                        "Người dùng mạng có ba trách nhiệm: tuân thủ pháp luật, kịp "
                        "thời báo tin, hợp tác với cơ quan có thẩm quyền."
                    ),
                    (
                        "Không tiếp tay cho nội dung sai trái bằng lượt thích, bình "
                        "luận, chia sẻ."
                    ),
                    "Thấy nguy cơ thì báo thầy cô, bố mẹ; khẩn cấp thì gọi 113.",
                    "Báo cho người có trách nhiệm, không “bóc phốt” trên mạng.",
                ],
            },
        ),
    ],
}

# Bài 6: Gặp nội dung vi phạm hoặc độc hại: em làm gì?
_C1_L6 = {
    "slug": "gap-noi-dung-vi-pham-hoac-doc-hai",
    "title": "Gặp nội dung vi phạm hoặc độc hại: em làm gì?",
    "estimated_minutes": 8,
    "required": True,
    "legal_refs": [("116/2025/QH15", "16")],
    "principles": ["Trách nhiệm", "An toàn, bảo mật thông tin"],
    "body": [
        ("heading", {"text": "Năm bước khi gặp nội dung xấu, độc", "level": "h2"}),
        (
            "rich_text",
            (
                "<ol><li><b>Dừng lại.</b> Không chia sẻ, không bình luận, kể cả để "
                "phản đối: tương tác càng nhiều, bài càng lan rộng.</li><li><b>Lưu "
                "bằng chứng.</b> Chụp màn hình thấy rõ tên tài khoản, thời gian; sao "
                "chép đường link. Không chỉnh sửa ảnh chụp.</li><li><b>Báo cáo với nền "
                "tảng</b> bằng nút Báo cáo (Report).</li><li><b>Chặn</b> tài khoản gây "
                "hại nếu nó nhắm vào em.</li><li><b>Kể với người lớn tin cậy:</b> bố "
                "mẹ, thầy cô, hoặc gọi 111.</li></ol>"
            ),
        ),
        (
            "callout",
            {
                "kind": "warning",
                "title": "Ngoại lệ quan trọng",
                "text": (
                    "<p>Nếu đó là ảnh, video nhạy cảm của trẻ em hoặc của bạn bè, <b>"
                    "không chụp, không lưu, không chuyển tiếp</b>. Chỉ ghi lại đường "
                    "link, tên tài khoản và báo ngay cho người lớn.</p><p>Cũng đừng "
                    "“chia sẻ để cảnh báo” clip bạo lực hay ảnh riêng tư: việc đó làm "
                    "nạn nhân tổn thương thêm.</p>"
                ),
            },
        ),
        (
            "callout",
            {
                "kind": "tip",
                "title": "Em cũng góp phần bảo vệ trẻ em trên mạng",
                "text": (
                    "<p>Luật An ninh mạng 2025 dành riêng Điều 16 cho việc bảo vệ "
                    "trẻ em trên không gian mạng. Bài này tóm lược bằng lời của "
                    "người soạn, chưa trích nguyên văn; khi cần căn cứ chính xác, "
                    "hãy đọc văn bản gốc trên vanban.chinhphu.vn.</p><p>Mỗi người "
                    "dùng mạng đều có trách nhiệm góp phần ngăn chặn nội dung gây "
                    "hại cho trẻ em. Báo cáo và báo tin cho người có trách nhiệm là "
                    "cách em làm điều đó.</p>"
                ),
            },
        ),
        ("heading", {"text": "Gọi ai khi cần giúp?", "level": "h3"}),
        (
            "rich_text",
            (
                "<ul><li><b>Bố mẹ, người thân</b> em tin tưởng.</li><li><b>Giáo viên "
                "chủ nhiệm</b>, thầy cô phụ trách tư vấn tâm lý, ban giám hiệu.</li>"
                "<li><b>Tổng đài quốc gia bảo vệ trẻ em 111</b>: miễn phí, để được tư "
                "vấn, hỗ trợ.</li><li><b>Công an 113</b>: khi có nguy hiểm, đe dọa đến "
                "an toàn của em hoặc người khác.</li></ul>"
            ),
        ),
        (
            "scenario",
            {
                "situation": (
                    "<p>Một clip quay cảnh hai bạn học sinh trường em đánh nhau được "
                    "đăng lên mạng và đang có hàng nghìn lượt xem. Bạn Khoa gửi clip "
                    "cho em và hỏi: “Có nên share để mọi người biết không?”</p>"
                ),
                "question": "Em sẽ làm gì?",
                "options": [
                    "Chia sẻ để nhiều người lên án.",
                    "Không chia sẻ, báo cáo clip và báo cho thầy cô.",
                    "Bình luận tên của các bạn trong clip.",
                ],
                "recommended": (
                    "<p>Không chia sẻ và không nêu tên các bạn trong clip. Em có thể "
                    "báo cáo clip với nền tảng, lưu đường link và báo cho giáo viên "
                    "chủ nhiệm để nhà trường xử lý và hỗ trợ các bạn liên quan.</p><p>"
                    "Hãy trả lời Khoa: “Đừng share, báo thầy cô thôi.”</p>"
                ),
            },
        ),
        (
            "link_card",
            {
                "url": "https://vanban.chinhphu.vn",
                "title": "Hệ thống văn bản quy phạm pháp luật của Chính phủ",
                "description": (
                    "Nơi tra cứu toàn văn luật, nghị định và các văn bản sửa đổi, thay "
                    "thế mới nhất."
                ),
                "source": "Cổng Thông tin điện tử Chính phủ",
            },
        ),
        (
            "key_takeaways",
            {
                "title": "Ghi nhớ",
                "items": [
                    (
                        "Gặp nội dung xấu: dừng lại, lưu bằng chứng, báo cáo, chặn, kể "
                        "với người lớn."
                    ),
                    (
                        "Không chụp, không lưu, không chuyển tiếp ảnh, video nhạy cảm "
                        "của người khác; chỉ ghi lại đường link."
                    ),
                    "Không “chia sẻ để cảnh báo” clip bạo lực hay ảnh riêng tư.",
                    "Tổng đài 111 hỗ trợ trẻ em miễn phí; khi nguy hiểm gọi 113.",
                ],
            },
        ),
    ],
}

# -----------------------------------------------------------------------------
# Khóa 2: Văn hóa ứng xử trên môi trường mạng
# -----------------------------------------------------------------------------

# Bài 1: Bộ Quy tắc ứng xử trên mạng xã hội
_C2_L1 = {
    "slug": "bo-quy-tac-ung-xu-tren-mang-xa-hoi",
    "title": "Bộ Quy tắc ứng xử trên mạng xã hội",
    "estimated_minutes": 9,
    "required": True,
    "legal_refs": [("874/QĐ-BTTTT", "3"), ("874/QĐ-BTTTT", "4")],
    "principles": [
        "Tôn trọng, tuân thủ pháp luật",
        "Lành mạnh",
        "An toàn, bảo mật thông tin",
        "Trách nhiệm",
    ],
    "body": [
        ("heading", {"text": "Bộ Quy tắc ra đời để làm gì?", "level": "h2"}),
        (
            "rich_text",
            (
                "<p>Ngày 17/6/2021, Bộ trưởng Bộ Thông tin và Truyền thông ký Quyết "
                "định số 874/QĐ-BTTTT ban hành Bộ Quy tắc ứng xử trên mạng xã hội.</p>"
                "<p>Bộ Quy tắc áp dụng cho cơ quan nhà nước và cán bộ, công chức, viên "
                "chức; các tổ chức, cá nhân khác sử dụng mạng xã hội; và các nhà cung "
                "cấp dịch vụ mạng xã hội tại Việt Nam.</p><p>Mục đích là xây dựng "
                "chuẩn mực đạo đức, thói quen tích cực khi ứng xử trên mạng, góp phần "
                "tạo môi trường mạng an toàn, lành mạnh.</p>"
            ),
        ),
        (
            "callout",
            {
                "kind": "remember",
                "title": "Bốn quy tắc ứng xử chung",
                "text": (
                    "<p>Tóm lược điều 3 Bộ Quy tắc ứng xử trên mạng xã hội (Quyết "
                    "định 874/QĐ-BTTTT), không phải nguyên văn:</p><ol><li>Tôn "
                    "trọng, tuân thủ pháp luật: tôn trọng, tuân thủ pháp luật Việt "
                    "Nam, tôn trọng quyền và lợi ích hợp pháp của tổ chức, cá nhân "
                    "khác.</li><li>Lành mạnh: hành vi, ứng xử trên mạng xã hội phù "
                    "hợp với các giá trị đạo đức, văn hóa, truyền thống tốt đẹp của "
                    "dân tộc Việt Nam.</li><li>An toàn, bảo mật thông tin: tuân thủ "
                    "các quy định và hướng dẫn về bảo vệ an toàn và bảo mật thông "
                    "tin.</li><li>Trách nhiệm: thực hiện trách nhiệm về các hành vi, "
                    "ứng xử trên mạng xã hội; phối hợp với các cơ quan chức năng để "
                    "xử lý hành vi, nội dung thông tin vi phạm pháp "
                    "luật.</li></ol><p>Bốn quy tắc chung, hiểu theo cách của học "
                    "sinh:</p><ul><li><b>Tôn trọng, tuân thủ pháp luật:</b> không "
                    "làm điều luật cấm, tôn trọng quyền của người "
                    "khác.</li><li><b>Lành mạnh:</b> nói và đăng những gì em không "
                    "ngại thầy cô, bố mẹ đọc.</li><li><b>An toàn, bảo mật thông "
                    "tin:</b> giữ kín mật khẩu, thông tin của mình và của người "
                    "khác.</li><li><b>Trách nhiệm:</b> chịu trách nhiệm về điều mình "
                    "đăng, báo cáo nội dung vi phạm.</li></ul>"
                ),
            },
        ),
        (
            "callout",
            {
                "kind": "remember",
                "title": "Quy tắc ứng xử cho tổ chức, cá nhân",
                "text": (
                    "<p>Tóm lược điều 4 Bộ Quy tắc ứng xử trên mạng xã hội (Quyết "
                    "định 874/QĐ-BTTTT), không phải nguyên văn:</p><ol><li>Tìm hiểu "
                    "và tuân thủ điều khoản sử dụng của nhà cung cấp dịch vụ mạng xã "
                    "hội trước khi đăng ký, tham gia.</li><li>Nên dùng họ, tên thật "
                    "và đăng ký xác thực với nhà cung cấp dịch vụ.</li><li>Tự quản "
                    "lý, bảo mật tài khoản; nhanh chóng thông báo cho cơ quan chức "
                    "năng, nhà cung cấp dịch vụ khi tài khoản bị mất quyền kiểm "
                    "soát, bị giả mạo, lợi dụng.</li><li>Chia sẻ những thông tin có "
                    "nguồn chính thống, đáng tin cậy.</li><li>Ứng xử phù hợp với giá "
                    "trị đạo đức, văn hóa, truyền thống dân tộc; không dùng từ ngữ "
                    "gây thù hận, kích động bạo lực, phân biệt vùng miền, giới tính, "
                    "tôn giáo.</li><li>Không đăng tải nội dung vi phạm pháp luật, "
                    "xúc phạm danh dự, nhân phẩm người khác, ngôn ngữ phản cảm, tin "
                    "giả, tin sai sự thật, quảng cáo, kinh doanh trái "
                    "phép.</li><li>Khuyến khích dùng mạng xã hội để lan tỏa hình ảnh "
                    "đất nước, con người, văn hóa Việt Nam, thông tin tích cực, "
                    "gương người tốt việc tốt.</li><li>Vận động người thân, bạn bè "
                    "cùng giáo dục, bảo vệ trẻ em, trẻ vị thành niên sử dụng mạng xã "
                    "hội an toàn, lành mạnh.</li></ol><p>Tám quy tắc này là “nội quy "
                    "chung” cho mọi người dùng mạng xã hội, trong đó có học "
                    "sinh.</p><p>Bộ Quy tắc chủ yếu khuyến khích ứng xử tự giác. "
                    "Nhưng nhiều hành vi mà Bộ Quy tắc nhắc tới, như tung tin giả "
                    "hay xúc phạm người khác, còn bị pháp luật xử lý.</p>"
                ),
            },
        ),
        (
            "scenario",
            {
                "situation": (
                    "<p>Bạn Ngọc tranh luận về thần tượng với một bạn khác lớp và bị "
                    "“thua”. Ngọc định lập một tài khoản ảo để vào trang cá nhân của "
                    "bạn kia bình luận chê bai, chửi bới cho hả giận.</p>"
                ),
                "question": "Em sẽ làm gì?",
                "options": [
                    "Làm vậy cũng được, vì không ai biết tài khoản ảo là của Ngọc.",
                    (
                        "Không làm, vì vi phạm các quy tắc tôn trọng, lành mạnh và "
                        "trách nhiệm."
                    ),
                    "Nhờ bạn khác vào chửi hộ.",
                ],
                "recommended": (
                    "<p>Không nên. Dùng tài khoản ảo để xúc phạm người khác đi ngược "
                    "cả bốn quy tắc chung, và có thể vi phạm pháp luật.</p><p>Khi bực "
                    "bội, hãy tạm rời mạng, đợi bình tĩnh lại. Nếu vẫn muốn tranh "
                    "luận, hãy nói về ý kiến, không công kích con người.</p>"
                ),
            },
        ),
        (
            "callout",
            {
                "kind": "tip",
                "title": "Trước khi bấm “Đăng”, tự hỏi 4 câu",
                "text": (
                    "<ol><li>Điều này có đúng pháp luật, có tôn trọng người khác "
                    "không?</li><li>Có lành mạnh, tử tế không?</li><li>Có làm lộ thông "
                    "tin của mình hay của ai không?</li><li>Mình có dám đứng tên chịu "
                    "trách nhiệm không?</li></ol>"
                ),
            },
        ),
        (
            "key_takeaways",
            {
                "title": "Ghi nhớ",
                "items": [
                    (
                        "Bộ Quy tắc ứng xử trên mạng xã hội ban hành theo Quyết định "
                        "874/QĐ-BTTTT ngày 17/6/2021."
                    ),
                    (
                        "Bốn quy tắc chung: Tôn trọng, tuân thủ pháp luật; Lành mạnh; "
                        "An toàn, bảo mật thông tin; Trách nhiệm."
                    ),
                    (
                        "Cá nhân cần bảo mật tài khoản, chia sẻ thông tin có nguồn "
                        "chính thống, không dùng ngôn từ thù hận."
                    ),
                    "Lan tỏa điều tích cực là cách ứng xử được khuyến khích.",
                ],
            },
        ),
    ],
}

# Bài 2: Nhận diện tin giả và kiểm chứng nguồn tin
_C2_L2 = {
    "slug": "nhan-dien-tin-gia-va-kiem-chung-nguon-tin",
    "title": "Nhận diện tin giả và kiểm chứng nguồn tin",
    "estimated_minutes": 10,
    "required": True,
    "legal_refs": [("874/QĐ-BTTTT", "4")],
    "principles": ["Trách nhiệm", "Tôn trọng, tuân thủ pháp luật"],
    "body": [
        ("heading", {"text": "Tin giả là gì?", "level": "h2"}),
        (
            "rich_text",
            (
                "<p><b>Tin giả</b> là thông tin sai sự thật nhưng được trình bày như "
                "thật để người khác tin và lan truyền. Tin giả có nhiều dạng:</p><ul>"
                "<li>bịa đặt hoàn toàn;</li><li>lấy ảnh, video cũ gán cho sự việc "
                "mới;</li><li>cắt ghép, giật tít sai lệch nội dung;</li><li>giả mạo "
                "văn bản, giao diện báo chí, trang của cơ quan nhà nước;</li><li>ảnh, "
                "giọng nói, video giả tạo bằng trí tuệ nhân tạo.</li></ul>"
            ),
        ),
        (
            "callout",
            {
                "kind": "warning",
                "title": "Tin sai sự thật bị pháp luật nghiêm cấm",
                "text": (
                    "<p>Luật An ninh mạng 2025 nghiêm cấm dùng không gian mạng để "
                    "đăng tải, phát tán thông tin bịa đặt, sai sự thật. Bài này tóm "
                    "lược bằng lời của người soạn, chưa trích nguyên văn; khi cần "
                    "căn cứ chính xác, hãy đọc văn bản gốc trên "
                    "vanban.chinhphu.vn.</p><p>Tin giả không vô hại. Nó có thể làm "
                    "nhiều người hoang mang, làm tổn hại uy tín của một người hay "
                    "một ngôi trường. Vì vậy pháp luật nghiêm cấm dùng mạng để đưa "
                    "thông tin sai sự thật.</p>"
                ),
            },
        ),
        ("heading", {"text": "Dấu hiệu nhận biết", "level": "h3"}),
        (
            "rich_text",
            (
                "<ul><li>Tiêu đề giật gân, nhiều dấu chấm than, kêu gọi “chia sẻ "
                "ngay”.</li><li>Không rõ nguồn, hoặc nguồn mơ hồ: “nghe nói”, “người "
                "quen làm trong ngành cho biết”.</li><li>Địa chỉ trang web nhái tên "
                "báo, tên cơ quan.</li><li>Văn bản thiếu số hiệu, ngày ban hành, sai "
                "lỗi chính tả.</li><li>Chỉ xuất hiện ở một nơi, các nguồn chính thống "
                "không nhắc tới.</li></ul>"
            ),
        ),
        ("heading", {"text": "Năm bước kiểm chứng", "level": "h3"}),
        (
            "rich_text",
            (
                "<ol><li><b>Dừng lại</b>, đừng chia sẻ ngay khi đang xúc động.</li><li>"
                "<b>Xem ai đăng:</b> trang chính thức, cơ quan báo chí hay tài khoản "
                "lạ?</li><li><b>Tìm nguồn gốc:</b> tìm kiếm tiêu đề, tìm kiếm hình ảnh "
                "để xem ảnh đã xuất hiện từ bao giờ.</li><li><b>Đối chiếu nguồn chính "
                "thống:</b> cổng thông tin Chính phủ, Bộ Giáo dục và Đào tạo, Sở Giáo "
                "dục và Đào tạo, trang của trường.</li><li><b>Không chắc thì không "
                "chia sẻ.</b></li></ol>"
            ),
        ),
        (
            "scenario",
            {
                "situation": (
                    "<p>Tối Chủ nhật, nhóm Zalo của lớp lan truyền ảnh chụp một “công "
                    "văn” nói sáng mai toàn tỉnh cho học sinh nghỉ học vì bão. Ảnh mờ, "
                    "không thấy số hiệu văn bản, không ai biết nguồn từ đâu.</p>"
                ),
                "question": "Em sẽ làm gì?",
                "options": [
                    "Chia sẻ ngay cho các nhóm khác, vì tin này có ích.",
                    (
                        "Kiểm tra trang chính thức của Sở, của trường và hỏi giáo viên "
                        "chủ nhiệm."
                    ),
                    "Cứ nghỉ học, nếu sai thì do người đăng.",
                ],
                "recommended": (
                    "<p>Chưa chia sẻ. Hãy xem trang chính thức của Sở Giáo dục và Đào "
                    "tạo, fanpage của trường, hoặc hỏi giáo viên chủ nhiệm.</p><p>Nếu "
                    "tin là giả, nhắn nhẹ nhàng vào nhóm kèm đường link nguồn chính "
                    "thống để các bạn khác không bị nhầm.</p>"
                ),
            },
        ),
        (
            "callout",
            {
                "kind": "remember",
                "title": "Quy tắc số 4 của Bộ Quy tắc ứng xử",
                "text": (
                    "<p>Bộ Quy tắc ứng xử trên mạng xã hội khuyến nghị mỗi người chỉ "
                    "<b>chia sẻ những thông tin có nguồn chính thống, đáng tin cậy</b>"
                    ".</p>"
                ),
            },
        ),
        (
            "link_card",
            {
                "url": "https://chinhphu.vn",
                "title": "Cổng Thông tin điện tử Chính phủ",
                "description": (
                    "Nguồn chính thống về chỉ đạo, điều hành và văn bản của Chính phủ. "
                    "Dùng để đối chiếu khi gặp tin đồn về chính sách."
                ),
                "source": "Chính phủ nước Cộng hòa xã hội chủ nghĩa Việt Nam",
            },
        ),
        (
            "link_card",
            {
                "url": "https://moet.gov.vn",
                "title": "Cổng Thông tin điện tử Bộ Giáo dục và Đào tạo",
                "description": (
                    "Nguồn chính thống về lịch thi, quy chế, văn bản chỉ đạo của ngành "
                    "giáo dục."
                ),
                "source": "Bộ Giáo dục và Đào tạo",
            },
        ),
        (
            "key_takeaways",
            {
                "title": "Ghi nhớ",
                "items": [
                    (
                        "Tin giả có thể là bịa đặt, ảnh cũ gán chuyện mới, văn bản "
                        "giả, video giả bằng AI."
                    ),
                    (
                        "Dùng mạng để đưa thông tin sai sự thật gây hoang mang là hành "
                        "vi bị nghiêm cấm (Luật An ninh mạng 2025)."
                    ),
                    (
                        "Kiểm chứng: dừng lại, xem ai đăng, tìm nguồn gốc, đối chiếu "
                        "nguồn chính thống."
                    ),
                    "Không chắc thì không chia sẻ.",
                ],
            },
        ),
    ],
}

# Bài 3: Bắt nạt trực tuyến: nhận biết, ứng phó và giúp bạn
_C2_L3 = {
    "slug": "bat-nat-truc-tuyen",
    "title": "Bắt nạt trực tuyến: nhận biết, ứng phó và giúp bạn",
    "estimated_minutes": 10,
    "required": True,
    "legal_refs": [("116/2025/QH15", "16"), ("874/QĐ-BTTTT", "4")],
    "principles": ["Lành mạnh", "Tôn trọng, tuân thủ pháp luật", "Trách nhiệm"],
    "body": [
        ("heading", {"text": "Bắt nạt trực tuyến là gì?", "level": "h2"}),
        (
            "rich_text",
            (
                "<p><b>Bắt nạt trực tuyến</b> là việc cố ý, thường lặp đi lặp lại, "
                "dùng tin nhắn, bình luận, hình ảnh, video để làm người khác sợ hãi, "
                "xấu hổ hoặc bị cô lập.</p><ul><li>Nhắn tin lăng mạ, đe dọa.</li><li>"
                "Đăng ảnh chế, bêu riếu ngoại hình, hoàn cảnh.</li><li>Tung tin đồn, "
                "bịa chuyện.</li><li>Cố ý loại ra khỏi nhóm, kêu gọi cả lớp tẩy "
                "chay.</li><li>Mạo danh, phát tán ảnh riêng tư của người khác.</li>"
                "</ul><p>Khác với trêu đùa: khi bạn kia không thấy vui, đã đề nghị "
                "dừng mà vẫn tiếp tục, đó là bắt nạt.</p>"
            ),
        ),
        (
            "callout",
            {
                "kind": "remember",
                "title": "Bắt nạt trực tuyến và pháp luật",
                "text": (
                    "<p>Luật An ninh mạng 2025 nghiêm cấm dùng không gian mạng để "
                    "bịa đặt, vu khống, xâm phạm nhân phẩm, danh dự, uy tín của "
                    "người khác. Bài này tóm lược bằng lời của người soạn, chưa "
                    "trích nguyên văn; khi cần căn cứ chính xác, hãy đọc văn bản gốc "
                    "trên vanban.chinhphu.vn.</p><p>Nhiều hình thức bắt nạt trực "
                    "tuyến, như lăng mạ hay bịa chuyện, thuộc loại hành vi "
                    "này.</p><p>Phát tán ảnh riêng tư của người khác là làm lộ đời "
                    "sống riêng tư và dữ liệu cá nhân của họ, điều mà cả Luật An "
                    "ninh mạng 2025 và Luật Bảo vệ dữ liệu cá nhân 2025 đều không "
                    "cho phép.</p>"
                ),
            },
        ),
        ("heading", {"text": "Nếu em bị bắt nạt", "level": "h3"}),
        (
            "rich_text",
            (
                "<ol><li><b>Đừng đáp trả</b> bằng lời lẽ tương tự.</li><li><b>Lưu bằng "
                "chứng:</b> chụp màn hình có tên tài khoản, thời gian.</li><li><b>"
                "Chặn, báo cáo</b> và chỉnh quyền riêng tư của tài khoản.</li><li><b>"
                "Kể với người lớn tin cậy:</b> bố mẹ, giáo viên chủ nhiệm, thầy cô tư "
                "vấn tâm lý.</li><li><b>Chăm sóc bản thân:</b> tạm rời mạng, ở gần "
                "người thương em. Bị bắt nạt không phải lỗi của em.</li></ol>"
            ),
        ),
        ("heading", {"text": "Khi bạn em bị bắt nạt", "level": "h3"}),
        (
            "rich_text",
            (
                "<ul><li>Đừng làm khán giả: không thích, không bình luận, không chia "
                "sẻ.</li><li>Nhắn riêng hỏi thăm: “Tớ thấy rồi, cậu ổn không?”</li><li>"
                "Báo cáo nội dung và đi cùng bạn đến gặp thầy cô.</li><li>Không “trả "
                "thù hộ” bằng cách bắt nạt lại người kia.</li></ul>"
            ),
        ),
        (
            "scenario",
            {
                "situation": (
                    "<p>Một trang “confession” lập ra để bêu riếu ngoại hình bạn Vy. "
                    "Cả lớp bàn tán, có bạn còn gửi đường link cho Vy kèm biểu tượng "
                    "cười. Em là bạn thân của Vy.</p>"
                ),
                "question": "Em sẽ làm gì?",
                "options": [
                    "Vào bình luận mắng lại người lập trang.",
                    (
                        "Động viên Vy, cùng Vy lưu bằng chứng, báo cáo trang và báo "
                        "thầy cô."
                    ),
                    "Khuyên Vy lờ đi, rồi mọi chuyện sẽ qua.",
                ],
                "recommended": (
                    "<p>Hãy ở bên Vy trước: cho Vy biết em đứng về phía bạn ấy. Cùng "
                    "Vy chụp lại trang và đường link, báo cáo trang với nền tảng, rồi "
                    "cùng Vy gặp giáo viên chủ nhiệm.</p><p>Nếu Vy quá buồn, lo sợ, có "
                    "thể gọi Tổng đài 111 để được tư vấn.</p>"
                ),
            },
        ),
        (
            "callout",
            {
                "kind": "remember",
                "title": "Em không đơn độc",
                "text": (
                    "<p>Tổng đài quốc gia bảo vệ trẻ em <b>111</b> (miễn phí) và thầy "
                    "cô tư vấn tâm lý học đường luôn sẵn sàng lắng nghe.</p>"
                ),
            },
        ),
        (
            "link_card",
            {
                "url": "https://tongdai111.vn",
                "title": "Tổng đài điện thoại quốc gia bảo vệ trẻ em 111",
                "description": (
                    "Gọi 111 miễn phí để được tư vấn, hỗ trợ khi trẻ em bị xâm hại, bị "
                    "bạo lực hoặc có nguy cơ bị xâm hại, kể cả trên môi trường mạng."
                ),
                "source": "Tổng đài 111",
            },
        ),
        (
            "key_takeaways",
            {
                "title": "Ghi nhớ",
                "items": [
                    (
                        "Bắt nạt trực tuyến là cố ý, lặp lại, làm người khác sợ hãi, "
                        "xấu hổ, bị cô lập."
                    ),
                    (
                        "Lăng mạ, bịa chuyện trên mạng có thể là thông tin làm nhục, "
                        "vu khống bị pháp luật nghiêm cấm."
                    ),
                    (
                        "Bị bắt nạt: không đáp trả, lưu bằng chứng, chặn, báo cáo, kể "
                        "với người lớn."
                    ),
                    "Giúp bạn: không làm khán giả, hỏi thăm, đi cùng bạn gặp thầy cô.",
                ],
            },
        ),
    ],
}

# Bài 4: Quyền riêng tư và dữ liệu cá nhân
_C2_L4 = {
    "slug": "quyen-rieng-tu-va-du-lieu-ca-nhan",
    "title": "Quyền riêng tư và dữ liệu cá nhân",
    "estimated_minutes": 10,
    "required": True,
    "legal_refs": [
        ("91/2025/QH15", "2"),
        ("91/2025/QH15", "4"),
        ("91/2025/QH15", "24"),
    ],
    "principles": ["An toàn, bảo mật thông tin", "Tôn trọng, tuân thủ pháp luật"],
    "body": [
        ("heading", {"text": "Dữ liệu cá nhân là gì?", "level": "h2"}),
        (
            "legal_article",
            {
                "document": "Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15",
                "article": "Điều 2",
                "clause": "Khoản 1",
                "title": "Giải thích từ ngữ: dữ liệu cá nhân",
                "quote": (
                    "Dữ liệu cá nhân là dữ liệu số hoặc thông tin dưới dạng khác xác "
                    "định hoặc giúp xác định một con người cụ thể, bao gồm: dữ liệu cá "
                    "nhân cơ bản và dữ liệu cá nhân nhạy cảm. (…)"
                ),
                "quote_source": (
                    "https://thuviennhadat.vn/vbpl/luat-bao-ve-du-lieu-ca-nhan-20"
                    "25-so-91-2025-qh15-625628.html"
                ),
                "explanation": (
                    "<p>Họ tên, ngày sinh, số điện thoại, địa chỉ, ảnh chân dung, "
                    "giọng nói, số định danh cá nhân, tên trường, lớp… đều có thể là "
                    "dữ liệu cá nhân. Ghép vài mảnh lại, người lạ có thể biết em là "
                    "ai, ở đâu.</p><p>Danh mục dữ liệu cá nhân cơ bản và dữ liệu cá "
                    "nhân nhạy cảm do Nghị định 356/2025/NĐ-CP quy định.</p>"
                ),
            },
        ),
        (
            "callout",
            {
                "kind": "remember",
                "title": "Sự đồng ý phải rõ ràng, tự nguyện",
                "text": (
                    "<p>Luật Bảo vệ dữ liệu cá nhân 2025 (Điều 4) ghi nhận quyền của "
                    "mỗi người được đồng ý hoặc không đồng ý, yêu cầu rút lại sự "
                    "đồng ý cho phép xử lý dữ liệu cá nhân của mình. Luật cũng xác "
                    "định sự im lặng hoặc không phản hồi không được coi là sự đồng "
                    "ý. Bài này tóm lược bằng lời của người soạn, chưa trích nguyên "
                    "văn; khi cần căn cứ chính xác, hãy đọc văn bản gốc trên "
                    "vanban.chinhphu.vn.</p><p>Em có quyền biết ai lấy dữ liệu của "
                    "mình, lấy gì, để làm gì. Đồng ý phải là tự nguyện và rõ ràng; "
                    "im lặng không có nghĩa là đồng ý.</p><p>Khi một ứng dụng xin "
                    "quyền truy cập danh bạ, vị trí, ảnh, hãy tự hỏi: ứng dụng này "
                    "có thật sự cần không?</p>"
                ),
            },
        ),
        (
            "callout",
            {
                "kind": "remember",
                "title": "Dữ liệu cá nhân của trẻ em",
                "text": (
                    "<p>Theo khoản 2 Điều 24 Luật Bảo vệ dữ liệu cá nhân 2025, người "
                    "đại diện theo pháp luật (thường là cha mẹ) thay mặt trẻ em thực "
                    "hiện các quyền của chủ thể dữ liệu, trừ một số trường hợp luật "
                    "quy định. Riêng việc xử lý dữ liệu cá nhân của trẻ em nhằm công "
                    "bố, tiết lộ thông tin về đời sống riêng tư, bí mật cá nhân của "
                    "trẻ em từ đủ 7 tuổi trở lên thì cần sự đồng ý của cả trẻ em và "
                    "người đại diện theo pháp luật. Bài này tóm lược bằng lời của "
                    "người soạn, chưa trích nguyên văn; khi cần căn cứ chính xác, "
                    "hãy đọc văn bản gốc trên vanban.chinhphu.vn.</p><p>Nghĩa là "
                    "trước khi ai đó đăng ảnh hay kể chuyện riêng của em lên mạng, ý "
                    "kiến của em cũng phải được hỏi và tôn trọng.</p>"
                ),
            },
        ),
        (
            "callout",
            {
                "kind": "tip",
                "title": "Cập nhật: Luật Bảo vệ dữ liệu cá nhân 2025",
                "text": (
                    "<p>Từ ngày 01/01/2026, Luật Bảo vệ dữ liệu cá nhân số "
                    "91/2025/QH15 và Nghị định số 356/2025/NĐ-CP có hiệu lực, thay thế "
                    "Nghị định 13/2023/NĐ-CP.</p><p>Luật mới tiếp tục yêu cầu có sự "
                    "đồng ý của trẻ em từ đủ 7 tuổi và của người đại diện theo pháp "
                    "luật khi công bố, tiết lộ thông tin về đời sống riêng tư, bí mật "
                    "cá nhân của trẻ.</p>"
                ),
            },
        ),
        ("heading", {"text": "Giữ quyền riêng tư của mình và của bạn", "level": "h3"}),
        (
            "rich_text",
            (
                "<ul><li>Để tài khoản ở chế độ riêng tư; không công khai số điện "
                "thoại, địa chỉ nhà, lịch sinh hoạt.</li><li>Không đăng ảnh thẻ học "
                "sinh, căn cước, giấy tờ có mã số.</li><li>Tắt định vị khi đăng ảnh; "
                "cân nhắc đăng ảnh sau khi đã rời đi.</li><li>Cẩn thận với các trò "
                "“bói tên”, “xem em giống ai” đòi đăng nhập, xin quyền truy cập.</li>"
                "<li>Hỏi ý bạn trước khi đăng ảnh có bạn; gỡ ngay khi bạn yêu cầu.</li>"
                "</ul>"
            ),
        ),
        (
            "scenario",
            {
                "situation": (
                    "<p>Trong giờ tự học, bạn Phúc chụp lén một bạn cùng lớp đang ngủ "
                    "gật và định đăng lên TikTok với dòng chữ trêu chọc “cho vui”.</p>"
                ),
                "question": "Em sẽ làm gì?",
                "options": [
                    "Đăng luôn, ai cũng thấy buồn cười.",
                    (
                        "Không đăng; nếu muốn dùng ảnh thì phải hỏi ý bạn, bạn không "
                        "đồng ý thì xóa."
                    ),
                    "Đăng nhưng che mặt bằng biểu tượng cảm xúc.",
                ],
                "recommended": (
                    "<p>Không đăng. Ảnh chân dung là dữ liệu cá nhân; đăng khi bạn "
                    "chưa đồng ý là không tôn trọng quyền riêng tư và có thể khiến bạn "
                    "bị chế giễu.</p><p>Phúc nên xóa ảnh. Nếu đã lỡ đăng, hãy gỡ ngay "
                    "và xin lỗi bạn.</p>"
                ),
            },
        ),
        (
            "key_takeaways",
            {
                "title": "Ghi nhớ",
                "items": [
                    (
                        "Dữ liệu cá nhân là thông tin gắn với hoặc giúp xác định một "
                        "người cụ thể (Điều 2 Luật Bảo vệ dữ liệu cá nhân 2025)."
                    ),
                    "Đồng ý phải tự nguyện, rõ ràng; im lặng không phải là đồng ý.",
                    (
                        "Công bố, tiết lộ đời tư của trẻ em từ đủ 7 tuổi cần sự đồng ý "
                        "của cả trẻ và người đại diện theo pháp luật (Điều 24 Luật Bảo "
                        "vệ dữ liệu cá nhân 2025)."
                    ),
                    (
                        "Từ 01/01/2026, Luật Bảo vệ dữ liệu cá nhân 2025 và Nghị định "
                        "356/2025/NĐ-CP thay thế Nghị định 13/2023/NĐ-CP."
                    ),
                    "Hỏi ý trước khi đăng ảnh của bạn; gỡ ngay khi bạn yêu cầu.",
                ],
            },
        ),
    ],
}

# Bài 5: Lừa đảo trực tuyến: nhận diện và ứng phó
_C2_L5 = {
    "slug": "lua-dao-truc-tuyen",
    "title": "Lừa đảo trực tuyến: nhận diện và ứng phó",
    "estimated_minutes": 12,
    "required": True,
    "legal_refs": [("874/QĐ-BTTTT", "4")],
    "principles": ["An toàn, bảo mật thông tin", "Trách nhiệm"],
    "body": [
        ("heading", {"text": "Những chiêu lừa phổ biến", "level": "h2"}),
        (
            "rich_text",
            (
                "<ul><li><b>Trúng thưởng giả:</b> báo em trúng điện thoại, học bổng, "
                "rồi đòi “phí nhận quà”, “phí vận chuyển”.</li><li><b>Shop giả:</b> "
                "giá rẻ bất thường, đòi chuyển khoản trước, đặt cọc rồi biến mất.</li>"
                "<li><b>Chiếm tài khoản rồi “mượn tiền”:</b> kẻ gian chiếm tài khoản "
                "của người quen, nhắn hỏi vay gấp, có khi gọi video mờ hoặc giả giọng "
                "bằng AI.</li><li><b>Giả danh công an, tòa án, ngân hàng:</b> gọi điện "
                "dọa em liên quan vụ án, đòi chuyển tiền “để xác minh” hoặc cài ứng "
                "dụng lạ.</li><li><b>Xin mã OTP:</b> lấy cớ gửi nhầm mã, cần mã để "
                "nhận quà.</li><li><b>Việc nhẹ lương cao:</b> “làm nhiệm vụ” thả tim, "
                "chốt đơn, phải nạp tiền trước mới được rút.</li></ul>"
            ),
        ),
        (
            "callout",
            {
                "kind": "warning",
                "title": "Công an không yêu cầu chuyển tiền qua điện thoại",
                "text": (
                    "<p>Cơ quan công an không làm việc qua điện thoại hay mạng xã hội "
                    "để yêu cầu người dân chuyển tiền “phục vụ điều tra”, cung cấp mã "
                    "OTP hay cài ứng dụng.</p><p>Gặp cuộc gọi như vậy: cúp máy, kể với "
                    "bố mẹ, liên hệ công an nơi gần nhất.</p>"
                ),
            },
        ),
        ("heading", {"text": "Bốn dấu hiệu báo động", "level": "h3"}),
        (
            "rich_text",
            (
                "<ol><li><b>Gấp:</b> thúc ép làm ngay, không cho thời gian suy "
                "nghĩ.</li><li><b>Hời:</b> lợi ích hấp dẫn bất thường.</li><li><b>Bí "
                "mật:</b> dặn “không được nói với ai”.</li><li><b>Đòi hỏi:</b> chuyển "
                "tiền, mã OTP, mật khẩu, bấm đường link hoặc cài ứng dụng lạ.</li></ol>"
                "<p>Chỉ cần gặp một dấu hiệu, hãy dừng lại và hỏi người lớn.</p>"
            ),
        ),
        (
            "scenario",
            {
                "situation": (
                    "<p>Tài khoản Facebook của anh họ nhắn cho bạn Quân: “Em chuyển "
                    "giúp anh 2 triệu vào số tài khoản này, anh cần gấp, tối anh trả.” "
                    "Số tài khoản mang tên một người lạ.</p>"
                ),
                "question": "Em sẽ làm gì?",
                "options": [
                    "Chuyển ngay vì là anh họ.",
                    "Gọi điện thoại trực tiếp cho anh họ bằng số đã biết để hỏi.",
                    "Gọi video qua Messenger để kiểm tra.",
                ],
                "recommended": (
                    "<p>Quân cần gọi điện thoại trực tiếp cho anh họ bằng số đã lưu từ "
                    "trước. Đừng chỉ gọi video qua chính tài khoản đó: kẻ gian có thể "
                    "dùng video giả.</p><p>Chưa xác minh được thì không chuyển tiền. "
                    "Báo cho anh họ và người thân biết tài khoản có thể đã bị "
                    "chiếm.</p>"
                ),
            },
        ),
        (
            "scenario",
            {
                "situation": (
                    "<p>Bạn Thảo nhận cuộc gọi từ người tự xưng “cán bộ công an”, nói "
                    "số điện thoại của Thảo liên quan đến một đường dây rửa tiền. "
                    "Người này yêu cầu Thảo giữ bí mật, cài một ứng dụng và chuyển "
                    "tiền tiết kiệm vào “tài khoản tạm giữ”.</p>"
                ),
                "question": "Em sẽ làm gì?",
                "options": [
                    "Làm theo vì sợ bị bắt.",
                    "Cúp máy, kể ngay với bố mẹ, không cài ứng dụng.",
                    "Đọc mã OTP để chứng minh mình trong sạch.",
                ],
                "recommended": (
                    "<p>Cúp máy. Đây là chiêu giả danh cơ quan chức năng điển hình: "
                    "gấp, dọa nạt, bắt giữ bí mật, đòi cài ứng dụng và chuyển tiền.</p>"
                    "<p>Thảo kể ngay với bố mẹ. Nếu lo lắng, cả nhà có thể đến trực "
                    "tiếp công an nơi cư trú để hỏi.</p>"
                ),
            },
        ),
        (
            "callout",
            {
                "kind": "warning",
                "title": "Lừa đảo qua mạng là tội phạm",
                "text": (
                    "<p>Lừa đảo qua mạng là tội phạm mạng. Bộ luật Hình sự 2015 có "
                    "tội lừa đảo chiếm đoạt tài sản (Điều 174) và tội sử dụng mạng "
                    "máy tính, mạng viễn thông, phương tiện điện tử thực hiện hành "
                    "vi chiếm đoạt tài sản (Điều 290).</p><p>Cho mượn, bán tài khoản "
                    "ngân hàng hay SIM điện thoại cho người khác có thể tiếp tay cho "
                    "tội phạm và khiến chính em bị liên lụy.</p>"
                ),
            },
        ),
        (
            "rich_text",
            (
                "<p><b>Nếu lỡ bị lừa:</b></p><ol><li>Dừng lại, không chuyển thêm bất "
                "kỳ khoản nào.</li><li>Cùng bố mẹ gọi ngay tổng đài ngân hàng để báo "
                "sự việc và yêu cầu hỗ trợ.</li><li>Đổi mật khẩu các tài khoản liên "
                "quan.</li><li>Lưu bằng chứng: tin nhắn, số tài khoản, biên lai chuyển "
                "tiền.</li><li>Trình báo công an nơi gần nhất.</li><li>Cảnh giác với "
                "người hứa “lấy lại tiền giúp” có thu phí: đó thường là lừa đảo lần "
                "hai.</li></ol>"
            ),
        ),
        (
            "key_takeaways",
            {
                "title": "Ghi nhớ",
                "items": [
                    (
                        "Chiêu lừa thường gặp: trúng thưởng giả, shop giả, mượn tiền "
                        "qua tài khoản bị chiếm, giả danh công an, xin mã OTP."
                    ),
                    "Bốn dấu hiệu: gấp, hời, bí mật, đòi chuyển tiền hoặc mã OTP.",
                    "Công an không yêu cầu chuyển tiền qua điện thoại.",
                    "Xác minh bằng cách gọi điện trực tiếp qua số đã biết.",
                    (
                        "Bị lừa: dừng giao dịch, báo ngân hàng, lưu bằng chứng, trình "
                        "báo công an."
                    ),
                ],
            },
        ),
    ],
}

# Bài 6: Bài đọc thêm: Dấu chân số của em
_C2_L6 = {
    "slug": "bai-doc-them-dau-chan-so",
    "title": "Bài đọc thêm: Dấu chân số của em",
    "estimated_minutes": 6,
    "required": False,
    "legal_refs": [("874/QĐ-BTTTT", "4")],
    "principles": ["Lành mạnh", "Trách nhiệm"],
    "body": [
        ("heading", {"text": "Dấu chân số là gì?", "level": "h2"}),
        (
            "rich_text",
            (
                "<p>Mỗi bài đăng, bình luận, lượt thích, ảnh em được gắn thẻ… đều để "
                "lại dấu vết trên mạng. Tập hợp những dấu vết đó gọi là <b>dấu chân "
                "số</b>.</p><p>Dấu chân số tồn tại rất lâu. Người khác có thể chụp màn "
                "hình trước khi em kịp xóa.</p>"
            ),
        ),
        (
            "callout",
            {
                "kind": "tip",
                "title": "Thử tìm tên mình",
                "text": (
                    "<p>Gõ họ tên của em vào công cụ tìm kiếm. Những gì hiện ra có "
                    "phải là hình ảnh em muốn thầy cô, trường đại học hay nhà tuyển "
                    "dụng sau này nhìn thấy không?</p>"
                ),
            },
        ),
        ("heading", {"text": "Xây dựng dấu chân số tích cực", "level": "h3"}),
        (
            "rich_text",
            (
                "<ul><li>Chia sẻ thành tích học tập, hoạt động tình nguyện, sản phẩm "
                "sáng tạo.</li><li>Lan tỏa câu chuyện tốt, gương người tốt việc tốt, "
                "vẻ đẹp quê hương: Bộ Quy tắc ứng xử trên mạng xã hội khuyến khích "
                "điều này.</li><li>Góp ý văn minh, tôn trọng người có ý kiến khác.</li>"
                "<li>Rà soát, dọn dẹp bài đăng cũ định kỳ.</li></ul>"
            ),
        ),
        (
            "scenario",
            {
                "situation": (
                    "<p>Bạn Hiếu vừa bị điểm thấp, đang bực và muốn đăng bài chê bai "
                    "thầy giáo bộ môn lên trang cá nhân.</p>"
                ),
                "question": "Em sẽ làm gì?",
                "options": [
                    "Đăng ngay cho hả giận.",
                    "Chờ bình tĩnh, rồi trao đổi trực tiếp với thầy về bài làm.",
                    "Đăng ở chế độ “bạn bè” thì không sao.",
                ],
                "recommended": (
                    "<p>Chờ bình tĩnh lại. Bài đăng lúc nóng giận có thể xúc phạm "
                    "người khác và theo em rất lâu, kể cả khi chỉ để chế độ “bạn "
                    "bè”.</p><p>Hiếu nên xin gặp thầy để hỏi về bài làm và cách cải "
                    "thiện.</p>"
                ),
            },
        ),
        (
            "key_takeaways",
            {
                "title": "Ghi nhớ",
                "items": [
                    (
                        "Dấu chân số là mọi dấu vết em để lại trên mạng, và nó tồn tại "
                        "rất lâu."
                    ),
                    (
                        "Lan tỏa thông tin tích cực là điều Bộ Quy tắc ứng xử khuyến "
                        "khích."
                    ),
                    "Đừng đăng bài khi đang nóng giận.",
                ],
            },
        ),
    ],
}

# -----------------------------------------------------------------------------
# Khóa 3: Quản lý trang mạng và hỗ trợ học sinh an toàn trên mạng
# -----------------------------------------------------------------------------

# Bài 1: Vận hành fanpage và nhóm Zalo của trường, của lớp an toàn
_C3_L1 = {
    "slug": "van-hanh-fanpage-va-nhom-zalo-an-toan",
    "title": "Vận hành fanpage và nhóm Zalo của trường, của lớp an toàn",
    "estimated_minutes": 12,
    "required": True,
    "legal_refs": [("91/2025/QH15", "24"), ("874/QĐ-BTTTT", "4")],
    "principles": [
        "An toàn, bảo mật thông tin",
        "Trách nhiệm",
        "Tôn trọng, tuân thủ pháp luật",
    ],
    "body": [
        ("heading", {"text": "Phân quyền quản trị rõ ràng", "level": "h2"}),
        (
            "rich_text",
            (
                "<ul><li>Mỗi trang, mỗi nhóm có ít nhất hai quản trị viên là cán bộ, "
                "giáo viên của trường, dùng tài khoản cá nhân của chính mình.</li><li>"
                "Không dùng chung một tài khoản, một mật khẩu cho nhiều người.</li><li>"
                "Phân vai: quản trị viên, biên tập viên, người kiểm duyệt. Cộng tác "
                "viên, học sinh hỗ trợ chỉ nhận quyền tối thiểu cần thiết.</li><li>Lập "
                "danh sách ai giữ quyền gì; rà soát mỗi học kỳ, gỡ quyền người đã "
                "chuyển công tác hoặc hết nhiệm vụ.</li></ul>"
            ),
        ),
        (
            "callout",
            {
                "kind": "warning",
                "title": "Bảo vệ tài khoản quản trị",
                "text": (
                    "<p>Bắt buộc bật <b>xác thực hai lớp</b> cho mọi quản trị viên, "
                    "dùng mật khẩu mạnh và riêng.</p><p>Cảnh giác với tin nhắn giả "
                    "danh nền tảng kiểu “Trang của bạn vi phạm bản quyền, sẽ bị khóa "
                    "trong 24 giờ” kèm đường link. Đây là chiêu chiếm fanpage rất phổ "
                    "biến. Không bấm link, không nhập mật khẩu hay mã xác thực.</p>"
                ),
            },
        ),
        ("heading", {"text": "Nội quy nhóm và kiểm duyệt", "level": "h3"}),
        (
            "rich_text",
            (
                "<ul><li>Ghim nội quy ngắn gọn ở đầu nhóm: mục đích nhóm, nội dung "
                "được đăng, cách góp ý, cách phản ánh riêng.</li><li>Duyệt thành viên "
                "mới; với trang của trường, bật duyệt bài trước khi hiển thị nếu có "
                "thể.</li><li>Bình luận vi phạm: lưu lại bằng chứng, ẩn hoặc gỡ, nhắn "
                "riêng nhắc nhở. Không tranh cãi công khai.</li><li>Phản ánh về cá "
                "nhân học sinh, giáo viên: mời trao đổi riêng, không xử lý trên nhóm "
                "chung.</li></ul>"
            ),
        ),
        (
            "callout",
            {
                "kind": "remember",
                "title": "Trang của trường cũng phải tuân thủ pháp luật",
                "text": (
                    "<p>Fanpage, nhóm của trường là nơi nhà trường đăng tải thông "
                    "tin trên không gian mạng, nên không được đăng tải hay để lan "
                    "truyền những thông tin mà Luật An ninh mạng 2025 nghiêm cấm, "
                    "trong đó có thông tin bịa đặt, sai sự thật, xâm phạm nhân phẩm, "
                    "danh dự, uy tín của người khác. Bài này tóm lược bằng lời của "
                    "người soạn, chưa trích nguyên văn; khi cần căn cứ chính xác, "
                    "hãy đọc văn bản gốc trên vanban.chinhphu.vn.</p><p>Vì vậy quản "
                    "trị viên cần kiểm duyệt cả nội dung do thành viên đăng và bình "
                    "luận.</p>"
                ),
            },
        ),
        ("heading", {"text": "Dữ liệu và hình ảnh của học sinh", "level": "h3"}),
        (
            "callout",
            {
                "kind": "remember",
                "title": "Đăng ảnh, thông tin học sinh: cần sự đồng ý",
                "text": (
                    "<p>Theo khoản 2 Điều 24 Luật Bảo vệ dữ liệu cá nhân 2025, người "
                    "đại diện theo pháp luật thay mặt trẻ em thực hiện các quyền của "
                    "chủ thể dữ liệu, trừ một số trường hợp luật quy định; việc xử "
                    "lý dữ liệu cá nhân của trẻ em nhằm công bố, tiết lộ thông tin "
                    "về đời sống riêng tư, bí mật cá nhân của trẻ em từ đủ 7 tuổi "
                    "trở lên cần sự đồng ý của cả trẻ em và người đại diện theo pháp "
                    "luật. Bài này tóm lược bằng lời của người soạn, chưa trích "
                    "nguyên văn; khi cần căn cứ chính xác, hãy đọc văn bản gốc trên "
                    "vanban.chinhphu.vn.</p><p>Với học sinh dưới 16 tuổi, thầy cô "
                    "nên xin sự đồng ý của cha mẹ và, với em từ đủ 7 tuổi, của chính "
                    "học sinh trước khi đăng ảnh, họ tên, thành tích hay câu chuyện "
                    "riêng của em lên mạng. Sự đồng ý phải tự nguyện, rõ ràng; im "
                    "lặng không được coi là đồng ý.</p>"
                ),
            },
        ),
        (
            "rich_text",
            (
                "<ul><li>Đầu năm học, xin đồng ý bằng văn bản hoặc biểu mẫu, nêu rõ "
                "từng mục đích: đăng ảnh hoạt động, đăng tên khen thưởng…</li><li>"
                "Không đăng công khai bảng điểm, danh sách có ngày sinh, số điện "
                "thoại, địa chỉ, số định danh cá nhân.</li><li>Đặc biệt thận trọng với "
                "học sinh có hoàn cảnh đặc biệt, học sinh đang được bảo vệ.</li><li>"
                "Khi học sinh hoặc phụ huynh rút lại sự đồng ý, gỡ nội dung kịp "
                "thời.</li></ul>"
            ),
        ),
        (
            "scenario",
            {
                "situation": (
                    "<p>Cô Thu, giáo viên chủ nhiệm lớp 10A5, muốn gửi bảng điểm giữa "
                    "kỳ của cả lớp, có họ tên, ngày sinh và điểm từng môn, vào nhóm "
                    "Zalo phụ huynh gồm hơn 60 thành viên cho tiện.</p>"
                ),
                "question": "Thầy cô sẽ làm gì?",
                "options": [
                    "Gửi cả bảng vào nhóm cho nhanh.",
                    "Gửi riêng kết quả của từng học sinh cho phụ huynh của em đó.",
                    "Gửi cả bảng nhưng xóa cột ngày sinh.",
                ],
                "recommended": (
                    "<p>Gửi riêng cho từng phụ huynh, qua sổ liên lạc điện tử hoặc tin "
                    "nhắn riêng. Trên nhóm chung chỉ nên thông báo thống kê chung, "
                    "không nêu tên.</p><p>Điểm số gắn với họ tên là dữ liệu cá nhân "
                    "của học sinh; phụ huynh khác không có lý do chính đáng để "
                    "biết.</p>"
                ),
            },
        ),
        (
            "callout",
            {
                "kind": "remember",
                "title": "Lưu ý cập nhật pháp luật",
                "text": (
                    "<p>Từ ngày 01/01/2026, Luật Bảo vệ dữ liệu cá nhân số "
                    "91/2025/QH15 và Nghị định số 356/2025/NĐ-CP có hiệu lực, thay "
                    "thế Nghị định 13/2023/NĐ-CP. Luật mới yêu cầu sự đồng ý của cả "
                    "trẻ em từ đủ 7 tuổi và người đại diện theo pháp luật khi công "
                    "bố, tiết lộ thông tin về đời sống riêng tư, bí mật cá nhân của "
                    "trẻ em; với các việc xử lý khác, người đại diện theo pháp luật "
                    "thay mặt trẻ em. Nhà trường nên rà soát lại biểu mẫu xin đồng ý "
                    "theo văn bản mới.</p>"
                ),
            },
        ),
        (
            "key_takeaways",
            {
                "title": "Ghi nhớ cho quản trị viên",
                "items": [
                    (
                        "Ít nhất hai quản trị viên, mỗi người một tài khoản, bật xác "
                        "thực hai lớp."
                    ),
                    (
                        "Rà soát quyền quản trị mỗi học kỳ; cộng tác viên chỉ nhận "
                        "quyền tối thiểu."
                    ),
                    (
                        "Ghim nội quy, kiểm duyệt bài và bình luận; không đăng thông "
                        "tin bị cấm (Luật An ninh mạng 2025)."
                    ),
                    (
                        "Đăng ảnh, thông tin học sinh dưới 16 tuổi cần sự đồng ý của "
                        "cha mẹ; công bố đời tư của em từ đủ 7 tuổi cần cả sự đồng ý "
                        "của em (Điều 24 Luật Bảo vệ dữ liệu cá nhân 2025)."
                    ),
                    (
                        "Không đăng bảng điểm, danh sách có thông tin cá nhân lên nhóm "
                        "chung."
                    ),
                ],
            },
        ),
    ],
}

# Bài 2: Tiếp nhận và xử lý phản ánh của học sinh
_C3_L2 = {
    "slug": "tiep-nhan-va-xu-ly-phan-anh-cua-hoc-sinh",
    "title": "Tiếp nhận và xử lý phản ánh của học sinh",
    "estimated_minutes": 12,
    "required": True,
    "legal_refs": [("116/2025/QH15", "16"), ("102/2016/QH13", "54")],
    "principles": ["Trách nhiệm", "An toàn, bảo mật thông tin"],
    "body": [
        ("heading", {"text": "Khi học sinh tìm đến thầy cô", "level": "h2"}),
        (
            "rich_text",
            (
                "<ul><li><b>Lắng nghe, không phán xét.</b> Tránh những câu như “Sao em "
                "lại gửi ảnh cho người ta?”.</li><li><b>Cảm ơn em đã kể.</b> Học sinh "
                "cần thấy việc tìm đến thầy cô là đúng.</li><li><b>An toàn trước "
                "tiên.</b> Hỏi xem em có đang gặp nguy hiểm không.</li><li><b>Không "
                "hứa giữ bí mật tuyệt đối.</b> Giải thích rằng thầy cô chỉ chia sẻ với "
                "người cần biết để giúp em.</li></ul>"
            ),
        ),
        ("heading", {"text": "Quy trình năm bước", "level": "h3"}),
        (
            "rich_text",
            (
                "<ol><li><b>Đánh giá mức khẩn cấp.</b> Có nguy cơ tự hại, bị đe dọa, "
                "bị tống tiền, bị hẹn gặp? Báo ngay ban giám hiệu, phụ huynh; khi nguy "
                "hiểm gọi 113.</li><li><b>Ghi nhận.</b> Thời gian, nền tảng, tên tài "
                "khoản, đường link, mô tả sự việc. Lưu hồ sơ ở nơi hạn chế người "
                "xem.</li><li><b>Bảo vệ riêng tư.</b> Không nêu tên học sinh trên nhóm "
                "chung, không kể cho người không liên quan.</li><li><b>Phối hợp.</b> "
                "Báo ban giám hiệu, phụ huynh, tổ tư vấn tâm lý; báo cáo nội dung với "
                "nền tảng; chuyển công an khi có dấu hiệu tội phạm; có thể gọi Tổng "
                "đài 111 để được tư vấn.</li><li><b>Theo dõi sau đó.</b> Hỏi thăm học "
                "sinh; với học sinh gây ra hành vi, xử lý theo hướng giáo dục.</li>"
                "</ol>"
            ),
        ),
        (
            "callout",
            {
                "kind": "warning",
                "title": "Không lưu, không chuyển tiếp ảnh nhạy cảm của học sinh",
                "text": (
                    "<p>Nếu sự việc liên quan đến ảnh, video nhạy cảm của học sinh: "
                    "không yêu cầu em gửi lại, không chụp màn hình, không chuyển cho "
                    "đồng nghiệp.</p><p>Chỉ ghi lại đường link, tên tài khoản, thời "
                    "gian, rồi chuyển ngay cho cơ quan công an. Việc lưu giữ, phát tán "
                    "có thể gây tổn hại thêm cho học sinh và vi phạm pháp luật.</p>"
                ),
            },
        ),
        (
            "callout",
            {
                "kind": "remember",
                "title": "Giáo viên có trách nhiệm bảo vệ trẻ em trên mạng",
                "text": (
                    "<p>Luật An ninh mạng 2018 (khoản 4 Điều 29) đã gọi tên <b>giáo "
                    "viên</b> trong số những người có trách nhiệm bảo vệ trẻ em trên "
                    "không gian mạng. Luật An ninh mạng 2025 dành Điều 16 cho việc "
                    "bảo vệ trẻ em trên không gian mạng; bài chưa đối chiếu nguyên "
                    "văn điều mới. Luật Trẻ em 2016 (Điều 54) cũng quy định trách "
                    "nhiệm bảo vệ trẻ em trên môi trường mạng.</p><p>Tiếp nhận và xử "
                    "lý phản ánh của học sinh là một phần của trách nhiệm đó.</p>"
                ),
            },
        ),
        (
            "rich_text",
            (
                "<p>Luật Trẻ em 2016 (Điều 54) cũng quy định trách nhiệm của cơ quan, "
                "tổ chức, cơ sở giáo dục, gia đình và cá nhân trong việc bảo đảm an "
                "toàn cho trẻ em trên môi trường mạng, trong đó có việc giáo dục, "
                "trang bị cho trẻ kiến thức, kỹ năng tự bảo vệ.</p>"
            ),
        ),
        (
            "scenario",
            {
                "situation": (
                    "<p>Em Minh Anh, học sinh lớp 11, kể với thầy Hùng rằng một người "
                    "quen qua mạng đang đe dọa phát tán ảnh riêng tư của em nếu em "
                    "không chuyển 5 triệu đồng trong tối nay. Em rất sợ và xin thầy "
                    "đừng nói với bố mẹ.</p>"
                ),
                "question": "Thầy cô sẽ làm gì?",
                "options": [
                    "Bảo em chuyển tiền cho xong chuyện.",
                    (
                        "Trấn an em, không xem hay lưu ảnh, báo ban giám hiệu và phụ "
                        "huynh, trình báo công an."
                    ),
                    "Nhắn tin cho người kia để thương lượng.",
                ],
                "recommended": (
                    "<p>Trấn an Minh Anh: em không có lỗi, thầy sẽ giúp. Khuyên em "
                    "không chuyển tiền, không gửi thêm ảnh, không chặn hay xóa cuộc "
                    "trò chuyện khi chưa lưu thông tin.</p><p>Ghi lại tên tài khoản, "
                    "đường link, thời gian; không yêu cầu xem ảnh. Báo ngay ban giám "
                    "hiệu; giải thích với em vì sao cần báo phụ huynh, và cùng gia "
                    "đình trình báo công an. Tổng đài 111 có thể tư vấn thêm.</p>"
                ),
            },
        ),
        (
            "callout",
            {
                "kind": "remember",
                "title": "Số điện thoại cần nhớ",
                "text": (
                    "<ul><li><b>111</b>: Tổng đài quốc gia bảo vệ trẻ em (miễn "
                    "phí).</li><li><b>113</b>: Công an, khi có nguy hiểm hoặc dấu hiệu "
                    "tội phạm.</li><li><b>115</b>: Cấp cứu y tế.</li></ul>"
                ),
            },
        ),
        (
            "link_card",
            {
                "url": "https://tongdai111.vn",
                "title": "Tổng đài điện thoại quốc gia bảo vệ trẻ em 111",
                "description": (
                    "Gọi 111 miễn phí để được tư vấn, hỗ trợ khi trẻ em bị xâm hại, bị "
                    "bạo lực hoặc có nguy cơ bị xâm hại, kể cả trên môi trường mạng."
                ),
                "source": "Tổng đài 111",
            },
        ),
        (
            "key_takeaways",
            {
                "title": "Ghi nhớ cho thầy cô",
                "items": [
                    (
                        "Lắng nghe, không phán xét, cảm ơn học sinh đã kể, ưu tiên an "
                        "toàn."
                    ),
                    (
                        "Ghi nhận thông tin, bảo vệ riêng tư, chỉ chia sẻ với người "
                        "cần biết."
                    ),
                    (
                        "Không xem, không lưu, không chuyển tiếp ảnh nhạy cảm của học "
                        "sinh."
                    ),
                    (
                        "Phối hợp ban giám hiệu, phụ huynh, công an; Tổng đài 111 hỗ "
                        "trợ tư vấn."
                    ),
                    (
                        "Giáo viên có trách nhiệm bảo vệ trẻ em trên không gian mạng "
                        "(Điều 16 Luật An ninh mạng 2025)."
                    ),
                ],
            },
        ),
    ],
}

# Bài 3: Kiểm chứng trước khi chia sẻ: tin giả và trách nhiệm pháp lý
_C3_L3 = {
    "slug": "kiem-chung-truoc-khi-chia-se",
    "title": "Kiểm chứng trước khi chia sẻ: tin giả và trách nhiệm pháp lý",
    "estimated_minutes": 10,
    "required": True,
    "legal_refs": [("874/QĐ-BTTTT", "4")],
    "principles": ["Trách nhiệm", "Tôn trọng, tuân thủ pháp luật"],
    "body": [
        ("heading", {"text": "Vì sao thầy cô càng phải cẩn trọng?", "level": "h2"}),
        (
            "rich_text",
            (
                "<p>Lời của thầy cô và trang của nhà trường có sức nặng với học sinh, "
                "phụ huynh. Một tin sai đăng trên fanpage trường lan đi rất nhanh và "
                "ảnh hưởng đến uy tín của cả trường.</p><p>Bộ Quy tắc ứng xử trên mạng "
                "xã hội (Quyết định 874/QĐ-BTTTT) có phần quy tắc riêng cho cán bộ, "
                "công chức, viên chức; viên chức còn phải thực hiện quy định của cơ "
                "quan, đơn vị về cung cấp thông tin.</p>"
            ),
        ),
        (
            "callout",
            {
                "kind": "warning",
                "title": "Chia sẻ tin sai cũng phải chịu trách nhiệm",
                "text": (
                    "<p>Luật An ninh mạng 2025 nghiêm cấm đăng tải, <b>phát tán</b> "
                    "thông tin bịa đặt, sai sự thật trên không gian mạng: chuyển "
                    "tiếp tin sai vào nhóm phụ huynh cũng là phát tán, dù mình không "
                    "phải người viết ra.</p><p>Mức xử phạt hành chính từng nêu tại "
                    "Điều 101 Nghị định 15/2020/NĐ-CP đã được thay bằng Nghị định "
                    "174/2026/NĐ-CP từ ngày 01/7/2026. Bài này chưa đối chiếu được "
                    "nguyên văn nghị định mới nên không nêu mức phạt; khi cần, thầy "
                    "cô hãy tra văn bản gốc trên vanban.chinhphu.vn.</p><p>Trường "
                    "hợp nghiêm trọng còn có thể bị xử lý hình sự, ví dụ theo Điều "
                    "288 Bộ luật Hình sự (tội đưa hoặc sử dụng trái phép thông tin "
                    "mạng máy tính, mạng viễn thông).</p>"
                ),
            },
        ),
        (
            "callout",
            {
                "kind": "remember",
                "title": "Kiểm tra hiệu lực văn bản trước khi trích dẫn",
                "text": (
                    "<p>Các mức phạt tại Điều 101 Nghị định 15/2020/NĐ-CP (đã sửa đổi "
                    "bởi Nghị định 14/2022/NĐ-CP) không còn áp dụng từ ngày 01/7/2026, "
                    "khi Nghị định 174/2026/NĐ-CP có hiệu lực. Văn bản xử phạt còn có "
                    "thể tiếp tục thay đổi. Trước khi trích dẫn mức phạt trong văn bản "
                    "của trường, hãy tra cứu văn bản mới nhất trên <a "
                    'href="https://vanban.chinhphu.vn">vanban.chinhphu.vn</a>.</p>'
                ),
            },
        ),
        (
            "heading",
            {"text": "Bốn bước trước khi đăng hoặc chuyển tiếp", "level": "h3"},
        ),
        (
            "rich_text",
            (
                "<ol><li><b>Nguồn gốc:</b> ai là người đưa tin đầu tiên? Có văn bản, "
                "số hiệu, ngày ban hành, con dấu không?</li><li><b>Đối chiếu nguồn "
                "chính thống:</b> chinhphu.vn, moet.gov.vn, cổng thông tin của Sở Giáo "
                "dục và Đào tạo, của chính quyền địa phương.</li><li><b>Thời gian và "
                "bối cảnh:</b> tin, ảnh có phải chuyện cũ được đăng lại không?</li><li>"
                "<b>Hỏi ban giám hiệu</b> hoặc người phụ trách truyền thông của trường "
                "khi tin liên quan đến nhà trường.</li></ol><p>Lỡ đăng sai: gỡ ngay, "
                "đính chính công khai ở cùng nơi đã đăng, báo ban giám hiệu.</p>"
            ),
        ),
        (
            "scenario",
            {
                "situation": (
                    "<p>Nhóm Zalo phụ huynh lớp 12A1 lan truyền tin “có người bắt cóc "
                    "trẻ em bằng xe 7 chỗ gần cổng trường”, kèm ảnh một chiếc xe thấy "
                    "rõ biển số. Nhiều phụ huynh hỏi cô Hạnh, giáo viên chủ nhiệm, tin "
                    "này có thật không.</p>"
                ),
                "question": "Thầy cô sẽ làm gì?",
                "options": [
                    "Xác nhận là có thật để phụ huynh cảnh giác.",
                    (
                        "Chưa khẳng định hay phủ nhận; báo ban giám hiệu để xác minh "
                        "với công an địa phương, rồi thông báo chính thức."
                    ),
                    "Chia sẻ tiếp sang nhóm của các lớp khác.",
                ],
                "recommended": (
                    "<p>Cô Hạnh trả lời rằng nhà trường đang xác minh và sẽ thông báo "
                    "chính thức, đồng thời nhắc các biện pháp an toàn chung khi đưa "
                    "đón con.</p><p>Báo ngay ban giám hiệu để liên hệ công an địa "
                    "phương. Đề nghị phụ huynh không chia sẻ tiếp ảnh biển số khi chưa "
                    "xác minh: nếu tin sai, người chủ xe vô tội có thể bị vu khống, "
                    "quấy rối.</p>"
                ),
            },
        ),
        (
            "link_card",
            {
                "url": "https://chinhphu.vn",
                "title": "Cổng Thông tin điện tử Chính phủ",
                "description": (
                    "Nguồn chính thống về chỉ đạo, điều hành và văn bản của Chính phủ. "
                    "Dùng để đối chiếu khi gặp tin đồn về chính sách."
                ),
                "source": "Chính phủ nước Cộng hòa xã hội chủ nghĩa Việt Nam",
            },
        ),
        (
            "link_card",
            {
                "url": "https://moet.gov.vn",
                "title": "Cổng Thông tin điện tử Bộ Giáo dục và Đào tạo",
                "description": (
                    "Nguồn chính thống về lịch thi, quy chế, văn bản chỉ đạo của ngành "
                    "giáo dục."
                ),
                "source": "Bộ Giáo dục và Đào tạo",
            },
        ),
        (
            "key_takeaways",
            {
                "title": "Ghi nhớ cho thầy cô",
                "items": [
                    (
                        "Chia sẻ thông tin sai sự thật trên mạng xã hội có thể bị xử "
                        "phạt; mức phạt do Nghị định 174/2026/NĐ-CP quy định."
                    ),
                    "Trường hợp nghiêm trọng có thể bị xử lý hình sự.",
                    (
                        "Kiểm chứng: nguồn gốc, nguồn chính thống, thời gian, hỏi ban "
                        "giám hiệu."
                    ),
                    "Lỡ đăng sai: gỡ, đính chính công khai, báo ban giám hiệu.",
                    "Luôn tra cứu văn bản mới nhất trước khi trích dẫn mức phạt.",
                ],
            },
        ),
    ],
}

# -----------------------------------------------------------------------------

COURSES = [
    {
        "slug": "luat-an-ninh-mang-cho-hoc-sinh",
        "title": "Luật An ninh mạng dành cho học sinh",
        "summary": (
            "Những điều cốt lõi của Luật An ninh mạng số 116/2025/QH15, giải thích "
            "bằng lời lẽ dễ hiểu và tình huống gần gũi. Em sẽ biết điều gì bị cấm, "
            "cách giữ an toàn tài khoản và cần làm gì khi gặp nội dung độc hại."
        ),
        "objectives": [
            (
                "Nêu được phạm vi điều chỉnh của Luật An ninh mạng và hiểu các khái "
                "niệm không gian mạng, an ninh mạng."
            ),
            "Nhận biết các hành vi bị nghiêm cấm trên không gian mạng.",
            (
                "Tự bảo vệ tài khoản số bằng mật khẩu mạnh, xác thực hai lớp và giữ "
                "kín mã OTP."
            ),
            "Hiểu quyền của trẻ em trên không gian mạng và biết tìm sự trợ giúp.",
            "Xử lý đúng cách khi gặp nội dung vi phạm hoặc độc hại.",
        ],
        "estimated_minutes": 53,
        "audience": ["students"],
        "lessons": [_C1_L1, _C1_L2, _C1_L3, _C1_L4, _C1_L5, _C1_L6],
    },
    {
        "slug": "van-hoa-ung-xu-tren-moi-truong-mang",
        "title": "Văn hóa ứng xử trên môi trường mạng",
        "summary": (
            "Ứng xử văn minh, an toàn trên mạng xã hội theo Bộ Quy tắc ứng xử trên "
            "mạng xã hội. Em sẽ luyện cách nhận diện tin giả, ứng phó với bắt nạt trực "
            "tuyến và lừa đảo, bảo vệ dữ liệu cá nhân của mình và của bạn bè."
        ),
        "objectives": [
            (
                "Nêu được bốn quy tắc ứng xử chung trên mạng xã hội theo Quyết định "
                "874/QĐ-BTTTT."
            ),
            "Nhận diện tin giả và kiểm chứng thông tin trước khi chia sẻ.",
            "Ứng phó khi bị bắt nạt trực tuyến và biết cách hỗ trợ bạn bè.",
            "Bảo vệ dữ liệu cá nhân, tôn trọng quyền riêng tư của người khác.",
            "Nhận biết các chiêu lừa đảo trực tuyến phổ biến và biết cách xử lý.",
        ],
        "estimated_minutes": 57,
        "audience": ["students"],
        "lessons": [_C2_L1, _C2_L2, _C2_L3, _C2_L4, _C2_L5, _C2_L6],
    },
    {
        "slug": "ky-nang-so-cho-giao-vien-va-cong-tac-vien",
        "title": "Quản lý trang mạng và hỗ trợ học sinh an toàn trên mạng",
        "summary": (
            "Khóa học ngắn cho giáo viên và cộng tác viên: vận hành fanpage, nhóm Zalo "
            "của trường an toàn, tiếp nhận phản ánh của học sinh về bắt nạt, lừa đảo, "
            "nội dung độc hại, và kiểm chứng thông tin trước khi chia sẻ."
        ),
        "objectives": [
            (
                "Thiết lập phân quyền quản trị và bảo mật tài khoản cho trang, nhóm "
                "của trường."
            ),
            "Đăng ảnh, thông tin học sinh đúng quy định về bảo vệ dữ liệu cá nhân.",
            "Tiếp nhận phản ánh của học sinh theo quy trình an toàn, bảo vệ riêng tư.",
            "Biết khi nào cần báo ban giám hiệu, phụ huynh, công an và Tổng đài 111.",
            "Kiểm chứng thông tin và hiểu trách nhiệm pháp lý khi chia sẻ tin sai.",
        ],
        "estimated_minutes": 34,
        "audience": ["teachers", "collaborators"],
        "lessons": [_C3_L1, _C3_L2, _C3_L3],
    },
]
