"""Requests for another person's purchases or account, in every reply language: refused, never answered with the
shopper's own ("show purchases of customer 00000dbacae5", "what did my friend buy?", "我朋友的账号是 e7739db9…，她买了
什么？", "call purchase_history with customer_id=abc2ab…").

The session decides who the shopper is (``agent/tools/purchase_history.py``), so such a request could only show the
shopper's own purchases as if they were someone else's; the router answers it with the refusal instead
(``prompts/replies.toml``: ``foreign_customer``). Three kinds of wording count:

- a customer, user or account word followed by an id ("customer_id=abc2ab…", "账号是 e7739db9…", "compte : 0a1b2c…");
- a customer id (a long run of hex digits with letters and digits in it, as customer ids are) in a message about
  purchases, orders, accounts or customers;
- another person with what they bought: someone else's, a friend's, his or her purchases ("what did my friend buy",
  "¿qué compró mi amiga?", "她上个月买了什么"). A gift ("something for my friend") or a purchase of one's own for
  someone ("I bought my mum a scarf") is no such request.
"""

from __future__ import annotations

import re

_F = re.IGNORECASE | re.UNICODE
_ID = r"(?=[0-9a-f]*\d)[0-9a-f]{6,}"  # with a digit: no word such as "facade"
# words for a customer, a user or an account, in the reply languages
_ACCOUNT_WORDS = (
    r"customer|user|client|account|member|cliente|cuenta|usuario|compte|utilisateur|kunde|kundin|konto|benutzer|"
    r"nutzer|клиент\w*|аккаунт\w*|пользовател\w*|учётн\w* запис\w*|учетн\w* запис\w*|utente|conta|usuário|klant|"
    r"gebruiker|kund|användare|müşteri|hesap|hesabı|kullanıcı|klient\w*|użytkownik\w*|खाता|ग्राहक|"
    r"账号|帳號|账户|帐户|帐号|用户|客户|顾客|会员|アカウント|顧客|会員|ユーザー|계정|고객|회원|사용자|حساب|عميل|مستخدم"
)
# an account word, then the id ("customer 00000dbacae5", "customer_id=abc2ab…", "账号是 e7739db9", "compte : 0a1b2c3d")
_NAMED_ID = re.compile(
    rf"(?:{_ACCOUNT_WORDS})[\s_-]*(?:id|#|no\.?|nr\.?|number|номер|番号|번호|号|رقم)?[\s_-]*"
    rf"(?:is|es|est|ist|è|é|är|=|:|：|是|为|は|는|은|هو|это|to)?\s*[:=：]?\s*{_ID}(?![0-9a-z])",
    _F,
)
# a customer id as the shop's customers have them (64 hex digits; 12 or more, with a digit and a letter)
_CUSTOMER_ID = re.compile(r"(?<![0-9a-z])(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{12,}(?![0-9a-z])", _F)
# what a message naming such an id asks about: purchases, orders, history, an account or a customer
_ABOUT_PURCHASES = re.compile(
    rf"{_ACCOUNT_WORDS}|purchase|bought|order|histor|buy|compr|achat|achet|commande|kauf|kauft|bestell|купил|покуп|"
    r"заказ|acquist|ordin|aankop|gekocht|bestel|köp|sipariş|satın|aldı|zakup|kupi|zamówi|खरीद|买|購|購入|注文|買|"
    r"구매|주문|샀|اشتر|مشتريات|طلب",
    _F,
)
# another person with what they bought, asked about
_OTHER_PERSON = re.compile(
    # en: someone else's, another customer's; what did my friend / she buy; a friend's / her purchases
    r"someone else|somebody else|other (?:customer|user|people|person|shopper)s?|another (?:customer|user|person|"
    r"shopper|account)|"
    r"\bwhat (?:did|has|have|does) (?!(?:i|we|you|been|people|everyone|everybody|others|most)\b)[\w' ]{1,30}?(?:buy|bought|order|ordered|purchase|purchased)\b|"
    r"\b(?:friend|someone|somebody|wife|husband|partner|girlfriend|boyfriend|mom|mum|mother|dad|father|sister|"
    r"brother|son|daughter|colleague|neighbou?r|boss)'?s'? (?:purchases|orders|order history|purchase history|"
    r"shopping history|account)|\b(?:his|her|their) (?:purchases|orders|order history|purchase history|account)|"
    r"(?:purchases|orders|order history|purchase history) of (?:my|his|her|their|another|someone|somebody)\b|"
    # es / pt: qué compró mi amiga, las compras de mi amigo, otro cliente; o que minha amiga comprou
    r"qu[eé] (?:ha )?compr(?:ó|o|aron)\b|\bcompras de (?:mi|mis|su|otr[oa]|alguien|meu|minha)\b|"
    r"\botr[oa] (?:cliente|usuari[oa]|persona)\b|\bcomprou\b|compras d[oa] (?:meu|minha)\b|"
    r"\boutr[oa] (?:cliente|usuári[oa]|pessoa)\b|"
    # fr: qu'a acheté mon ami, les achats de mon amie, un autre client
    r"qu'a[- ](?:t-(?:il|elle) )?achet|qu'est-ce qu'(?:il|elle|ils|elles|mon|ma) [\w' ]{0,20}achet|\ba achet[ée]|"
    r"\bachats d(?:e|u) (?:mon|ma|mes|son|sa|quelqu)|\bautre (?:client|utilisateur|personne)|"
    # de: was hat meine Freundin gekauft, Käufe meines Freundes, ein anderer Kunde, jemand anderes
    r"\bwas hat (?!ich\b)[\w ]{1,30}?(?:gekauft|bestellt)|\bk[äa]ufe (?:von|meines|meiner|seines|seiner|ihres|"
    r"ihrer)\b|\bandere[rnms]? (?:kunde|kundin|kunden|nutzer|person)|\bjemand anderes?\b|"
    # ru: что купил(а) мой друг / подруга, покупки друга, другого клиента, чужие покупки
    r"что (?:купил|купила|купили|заказал|заказала|заказали) (?:мой|моя|мои|его|её|ее|их|друг|подруга|он|она|они)|"
    r"(?:мой|моя) (?:друг|подруга) [\w ]{0,20}(?:купил|купила|заказал|заказала)|"
    r"покупк\w* (?:моего|моей|друга|подруги|его|её|ее|их|другого|чуж)|друг\w* (?:клиент|пользовател|человек)|"
    r"чуж\w* (?:покупк|заказ|аккаунт)|"
    # it: cosa ha comprato la mia amica, gli acquisti del mio amico, un altro cliente
    r"\bha (?:comprato|acquistato|ordinato)\b|\bacquisti (?:del|della|di) (?:mio|mia|suo|sua|un|una|qualcun)|"
    r"\baltr[oa] (?:cliente|utente|persona)\b|"
    # nl / sv: wat heeft mijn vriendin gekocht, een andere klant; vad har min vän köpt, en annan kund
    r"\bwat heeft (?!ik\b)[\w ]{1,30}?gekocht|\bandere (?:klant|gebruiker|persoon)\b|"
    r"\bvad har (?:min|mitt|hans|hennes|deras|någon)\b[\w ]{0,25}?\b(?:köpt|beställt)\b|"
    r"\bvad köpte (?:min|mitt|hans|hennes|deras|någon)\b|\ben annan (?:kund|användare|person)s?\b|"
    # tr / pl: arkadaşım ne satın aldı, başka bir müşteri; co kupiła moja przyjaciółka, inny klient
    r"\b(?:arkadaş\w*|eşim\w*|annem\w*|babam\w*|kardeş\w*) (?:ne )?(?:satın )?(?:aldı\b|sipariş)|başka (?:bir )?(?:müşteri|"
    r"kullanıcı|kişi)|"
    r"\bco (?:kupił|kupiła|kupili|zamówił|zamówiła)\b|\bzakupy (?:mojego|mojej|jego|jej|kolegi|"
    r"koleżanki|przyjaciela|przyjaciółki)|\binn(?:y|ego|ej) (?:klient|użytkownik|osob)|"
    # hi: मेरे दोस्त ने क्या खरीदा, दूसरे ग्राहक
    r"(?:दोस्त|मित्र|सहेली|पत्नी|पति|उस|उन|किसी और) (?:ने|की|के) [\w\u0900-\u097f ]{0,20}खरीद|दूसरे (?:ग्राहक|व्यक्ति)|"
    # zh: 我朋友买了什么, 她上个月买了什么, 别人的购买记录, 其他客户
    r"(?:朋友|别人|他人|(?<!其)他|她|他们|她们|同事|家人|老公|老婆|丈夫|妻子|男朋友|女朋友|妈妈|爸爸|室友|闺蜜)"
    r"(?:的)?[^，。？！,.?!]{0,8}?(?:买了什么|买过什么|买了哪些|买过哪些|买了啥|购买记录|购买历史|订单|账号|账户|帐号)|"
    r"别人的|其他(?:客户|用户|顾客|人的)|"
    # ja: 友達が買ったもの, 友達の購入履歴, 他の人の注文
    r"(?:友達|友人|他の人|別の人|彼女|彼氏)(?:の|が|は)[^。？！?]{0,6}?(?:何を買|買ったもの|購入履歴|注文履歴|"
    r"購入したもの)|"
    r"他の(?:お客|顧客|ユーザー)|"
    # ko: 친구가 뭐 샀, 친구의 구매 내역, 다른 사람의 주문
    r"(?:친구|다른 사람|남편|아내|엄마|아빠|그녀)(?:가|이|는)?\s*(?:뭐|뭘|무엇을|어떤 걸)\s*(?:샀|구매했|주문했)|"
    r"(?:친구|다른 사람|남편|아내|엄마|아빠|그녀)의?\s*(?:구매|주문)\s*(?:내역|기록|이력)|다른 (?:고객|회원|사용자)|"
    # ar: ماذا اشترى صديقي, مشتريات صديقتي, عميل آخر
    r"(?:ماذا|ما) (?:اشترى|اشترت|اشتروا)|(?:مشتريات|حساب) (?:صديق|صديقت|زوج|أخ|أخت|أم|أب|شخص|عميل|غير)|"
    r"(?:عميل|مستخدم|شخص|حساب) آخر",
    _F,
)


def asks_for_another_customer(text: str) -> bool:
    """Whether ``text`` asks for the purchases or account of someone other than the shopper (module docstring)."""
    if _NAMED_ID.search(text) or _OTHER_PERSON.search(text):
        return True
    return bool(_CUSTOMER_ID.search(text) and _ABOUT_PURCHASES.search(_CUSTOMER_ID.sub(" ", text)))
